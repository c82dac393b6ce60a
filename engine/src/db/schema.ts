import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Role } from '../auth/roles.js';

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
  /** The signed-in user who asked (migration 0007); null when asked anonymously. */
  user_id: number | null;
}

export interface ServedMatchesTable {
  request_id: number;
  mentor_id: number;
  rank: number;
  score: number;
  breakdown: JSONColumnType<Record<string, unknown>>;
  config_version: number | null;
  /** The probability with which the ranker showed this mentor at this rank (migration 0009); null before. */
  propensity: number | null;
}

export interface SessionRequestsTable {
  id: Generated<number>;
  request_id: number | null;
  mentor_id: number;
  note: string | null;
  created_at: Timestamp;
  /** The mentee who asked for the session (migration 0007). */
  user_id: number | null;
  /** Lifecycle (migration 0009); every change goes through the sessions' state machine. */
  state: Generated<SessionState>;
  length_minutes: number | null;
  /** Null while no slot is fixed, or for a session arranged outside the product. */
  slot_start: Date | string | null;
  mentee_time_zone: string | null;
  decline_reason: string | null;
  cancel_reason: string | null;
  cancelled_by: 'mentee' | 'mentor' | 'coordinator' | null;
  video_link: string | null;
  /** When an unanswered request expires. */
  expires_at: Timestamp;
  /** When the mentor accepted or declined. */
  answered_at: Date | string | null;
  /** When it reached completed, no_show, cancelled, withdrawn or expired. */
  ended_at: Date | string | null;
  /** The month whose capacity an accepted session spends (first day, UTC); null otherwise. */
  capacity_month: Date | string | null;
  expiry_warning_sent_at: Date | string | null;
  reminder_sent_at: Date | string | null;
  feedback_prompt_sent_at: Date | string | null;
  updated_at: Generated<Date>;
}

export type SessionState =
  | 'requested'
  | 'accepted'
  | 'declined'
  | 'expired'
  | 'withdrawn'
  | 'completed'
  | 'no_show'
  | 'cancelled';

/** Accepted sessions per mentor and month, raised only while below the mentor's capacity (migration 0009). */
export interface MentorMonthLoadTable {
  mentor_id: number;
  month: Date | string;
  accepted: number;
}

/** The 15-minute cells of a mentor's calendar an accepted session occupies; the key forbids double booking. */
export interface MentorBookedCellsTable {
  mentor_id: number;
  cell_start: Date | string;
  session_request_id: number;
}

/** A mentor's scheduling preferences (migration 0009). */
export interface MentorSchedulesTable {
  mentor_id: number;
  /** IANA name, e.g. Europe/Berlin: availability windows are read in it. */
  time_zone: string;
  away_until: Date | string | null;
  /** The mentor's own meeting link; the programme's template is used when null. */
  video_link: string | null;
  updated_at: Generated<Date>;
}

/** Weekly availability windows; ISO weekday (1 = Monday), minutes from midnight in the schedule's time zone. */
export interface MentorAvailabilityTable {
  mentor_id: number;
  weekday: number;
  start_minute: number;
  end_minute: number;
}

/** What each side said of a session once it took place (migration 0009). */
export interface SessionFeedbackTable {
  session_request_id: number;
  author_role: 'mentee' | 'mentor';
  helpfulness: number;
  right_person: 'yes' | 'partly' | 'no';
  comment: string | null;
  /** The mentor's flag that the request crossed a boundary of what mentoring is for. */
  boundary_flag: Generated<boolean>;
  created_at: Generated<Date>;
}

/** A user's in-app inbox (migration 0009). */
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  session_request_id: number | null;
  data: JSONColumnType<Record<string, unknown>>;
  created_at: Generated<Date>;
  read_at: Date | string | null;
}

/** Emails written with the change they tell of and sent by a worker (transactional outbox, migration 0009). */
export interface EmailOutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  notification_id: number | null;
  to_address: string;
  subject: string;
  text_body: string;
  /** An iCalendar invite to attach, when the email announces or changes a scheduled session. */
  ics: string | null;
  created_at: Generated<Date>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  /** A worker holds the row until then; another may take it over afterwards (a crashed engine's rows). */
  claimed_until: Date | string | null;
  sent_at: Date | string | null;
  last_error: string | null;
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

/** Accounts (migration 0005). `email` is unique whatever its case. */
export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  time_zone: string;
  department: string | null;
  career_start_year: number | null;
  /** argon2id (PHC string); null for users who sign in through single sign-on only. */
  password_hash: string | null;
  disabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserRolesTable {
  user_id: number;
  role: Role;
}

/** A mentor user's profile: one per user, one user per profile. */
export interface MentorUsersTable {
  user_id: number;
  mentor_id: number;
}

/** Server-side sessions; the cookie's token is stored only as its SHA-256. */
export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: Uint8Array;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  idle_expires_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Date | string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: Uint8Array;
  created_at: Timestamp;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

export type AuditActorKind = 'user' | 'cli' | 'engine-token';

/** Append-only (a trigger refuses updates and deletes): every write through the API or the CLI. */
export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_kind: AuditActorKind;
  actor_user_id: number | null;
  actor_role: string | null;
  actor_os_user: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  changes: JSONColumnType<Record<string, { before: unknown; after: unknown }>>;
  request_id: string | null;
}

/** Single sign-on (migration 0006): a provider's account, by issuer and subject, is this user. */
export interface SsoIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: number;
  created_at: Timestamp;
  last_sign_in_at: Timestamp;
}

/** A sign-in under way at the provider, found by the SHA-256 of the browser's cookie; used once. */
export interface SsoLoginsTable {
  token_hash: Uint8Array;
  state: string;
  nonce: string;
  code_verifier: string;
  redirect_uri: string;
  return_to: string;
  expires_at: Timestamp;
}

/** Settings of the programme that admins change through the API (migration 0007), one JSON value per key. */
/** One row: the key directory whose keys seal this database's personal text (0016; docs/privacy.md). */
export interface TextKeyDirectoryTable {
  singleton: Generated<boolean>;
  directory_id: string;
  created_at: Generated<Timestamp>;
}

export interface ProgrammeSettingsTable {
  key: string;
  value: JSONColumnType<Record<string, unknown>>;
  updated_at: Timestamp;
}

/** Which version of the code of conduct a user accepted, and when (migration 0008). */
export interface ConductAcceptancesTable {
  user_id: number;
  version: string;
  accepted_at: Timestamp;
}

/** A user's report of another user's conduct, for coordinators to handle (migration 0008). */
export interface ConductReportsTable {
  id: Generated<number>;
  reporter_id: number | null;
  reported_user_id: number | null;
  session_request_id: number | null;
  text: string;
  created_at: Timestamp;
  handled_at: Date | string | null;
  handled_by: number | null;
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
  users: UsersTable;
  user_roles: UserRolesTable;
  mentor_users: MentorUsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  sso_identities: SsoIdentitiesTable;
  sso_logins: SsoLoginsTable;
  programme_settings: ProgrammeSettingsTable;
  conduct_acceptances: ConductAcceptancesTable;
  conduct_reports: ConductReportsTable;
  mentor_month_load: MentorMonthLoadTable;
  mentor_booked_cells: MentorBookedCellsTable;
  mentor_schedules: MentorSchedulesTable;
  mentor_availability: MentorAvailabilityTable;
  session_feedback: SessionFeedbackTable;
  notifications: NotificationsTable;
  email_outbox: EmailOutboxTable;
  text_key_directory: TextKeyDirectoryTable;
}
