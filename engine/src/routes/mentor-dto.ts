import type { Mentor } from '../domain/mentor.js';
import type { MentorDto } from './schemas.js';

/** A mentor as the API shows it: its fields as stored, under its public id, with the row's dates. */
export function toMentorDto(m: Mentor): MentorDto {
  const { externalId, rowId: _rowId, createdAt, updatedAt, ...fields } = m;
  return {
    id: externalId,
    ...fields,
    createdAt: new Date(createdAt).toISOString(),
    updatedAt: new Date(updatedAt).toISOString(),
  };
}
