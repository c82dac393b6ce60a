import type { ResponseBody } from './api/client.js';

export type AuditItem = ResponseBody<'/api/audit', 'get'>['items'][number];

/** Who made a change, in a few words: a user and the role they acted in, the command line, or the old token. */
export function actorLabel(actor: AuditItem['actor']): string {
  if (actor.kind === 'cli') return `command line (${actor.osUser ?? 'unknown OS user'})`;
  if (actor.kind === 'engine-token') return 'API_TOKEN (deprecated)';
  const who = actor.email ?? `user ${actor.userId ?? '?'}`;
  return actor.role ? `${who} as ${actor.role}` : who;
}

const LONGEST = 80;

/** A changed field's value as one short line: lists joined, objects as JSON, nothing as a dash. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) text = value.join(', ');
  else text = JSON.stringify(value);
  return text.length > LONGEST ? `${text.slice(0, LONGEST - 1)}…` : text;
}
