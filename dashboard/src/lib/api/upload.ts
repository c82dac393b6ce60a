import { ApiError, type ResponseBody } from './client.js';

export type ImportFormat = 'csv' | 'jsonl' | 'json';

export function importFormatOf(fileName: string): ImportFormat | null {
  const ext = fileName.toLowerCase().split('.').pop();
  if (ext === 'csv') return 'csv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'json') return 'json';
  return null;
}

const contentTypes: Record<ImportFormat, string> = { csv: 'text/csv', jsonl: 'application/x-ndjson', json: 'application/json' };

/**
 * Starts an import job with the file as the raw body. openapi-fetch would serialise the body as
 * JSON, so this one call uses fetch directly; its response type still comes from the generated paths.
 */
export async function startImportJob(file: Blob, format: ImportFormat): Promise<ResponseBody<'/api/jobs/import', 'post'>> {
  let response: Response;
  try {
    response = await fetch(`/api/jobs/import?format=${format}`, {
      method: 'POST',
      headers: { 'content-type': contentTypes[format] },
      body: file,
    });
  } catch {
    throw new ApiError('Cannot reach the engine. Is it running?', null);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message =
      typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string'
        ? body.message
        : `The engine answered ${response.status}`;
    throw new ApiError(message, response.status);
  }
  return body as ResponseBody<'/api/jobs/import', 'post'>;
}
