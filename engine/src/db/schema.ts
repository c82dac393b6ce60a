import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface MentorsTable {
  id: Generated<number>;
  external_id: string;
  name: string;
  headline: string;
  bio: string;
  skills: string[];
  languages: string[];
  timezone: string;
  location: string | null;
  years_experience: number;
  capacity_per_month: number;
  active: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One row per mentor and model; vectors are little-endian float32 in bytea (portable: no pgvector needed). */
export interface MentorEmbeddingsTable {
  mentor_id: number;
  model_id: string;
  content_hash: string;
  vector: Uint8Array;
  /** Passage vectors concatenated, `passage_spans.length / 2` of them. */
  passage_vectors: Uint8Array;
  /** [start0, end0, start1, end1, ...]: character offsets of each passage in the mentor's bio. */
  passage_spans: number[];
  created_at: Timestamp;
}

export interface MenteeRequestsTable {
  id: Generated<number>;
  text: string;
  filters: JSONColumnType<Record<string, unknown>>;
  config_version: number | null;
  created_at: Timestamp;
}

export interface ServedMatchesTable {
  request_id: number;
  mentor_id: number;
  rank: number;
  score: number;
  breakdown: JSONColumnType<Record<string, unknown>>;
  config_version: number | null;
}

export interface SessionRequestsTable {
  id: Generated<number>;
  request_id: number | null;
  mentor_id: number;
  note: string | null;
  created_at: Timestamp;
}

export type WeightConfigStatus = 'draft' | 'active' | 'archived';

export interface WeightConfigsTable {
  version: Generated<number>;
  name: string;
  status: WeightConfigStatus;
  weights: JSONColumnType<Record<string, number>>;
  rules: JSONColumnType<Record<string, unknown>>;
  based_on: number | null;
  note: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_by: string;
  updated_at: Timestamp;
  activated_by: string | null;
  activated_at: Date | string | null;
}

/** Audit trail: every change to a weight configuration, who and when. */
export interface WeightConfigEventsTable {
  id: Generated<number>;
  version: number;
  action: 'created' | 'edited' | 'activated' | 'rolled_back' | 'archived';
  actor: string;
  detail: JSONColumnType<Record<string, unknown>>;
  at: Timestamp;
}

/** Written by triggers: every mentor row or embedding inserted, updated or deleted (migration 0004). */
export interface MentorChangesTable {
  seq: Generated<number>;
  mentor_id: number;
  changed_at: Timestamp;
}

export interface Database {
  mentors: MentorsTable;
  mentor_changes: MentorChangesTable;
  mentor_embeddings: MentorEmbeddingsTable;
  mentee_requests: MenteeRequestsTable;
  served_matches: ServedMatchesTable;
  session_requests: SessionRequestsTable;
  weight_configs: WeightConfigsTable;
  weight_config_events: WeightConfigEventsTable;
}
