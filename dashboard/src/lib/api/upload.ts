import { api, unwrap, type ResponseBody } from './client.js';
import type { paths } from './schema.js';

export type ImportFormat = NonNullable<NonNullable<paths['/api/jobs/import']['post']['parameters']['query']>['format']>;

export function importFormatOf(fileName: string): ImportFormat | null {
  const ext = fileName.toLowerCase().split('.').pop();
  if (ext === 'csv') return 'csv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'json') return 'json';
  return null;
}

const contentTypes: Record<ImportFormat, string> = {
  csv: 'text/csv',
  jsonl: 'application/x-ndjson',
  json: 'application/json',
};

/** Starts an import job with the file as the raw body: the browser sends the Blob as it is, not as JSON. */
export function startImportJob(file: Blob, format: ImportFormat): Promise<ResponseBody<'/api/jobs/import', 'post'>> {
  return unwrap(
    api.POST('/api/jobs/import', {
      params: { query: { format } },
      body: file,
      bodySerializer: (body) => body as Blob,
      headers: { 'content-type': contentTypes[format] },
    }),
  );
}
