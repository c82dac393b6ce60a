/** How the programme runs sessions; admins change it (PUT /api/settings/sessions), stored with the programme's settings. */
export interface SessionSettings {
  /** Session lengths mentees may pick, in minutes (15, 30 or 45). */
  lengthsOffered: SessionLength[];
  /** Hours a mentor has to answer before a request expires. */
  expiryHours: number;
  /** Requests a mentee may have waiting for an answer at once. */
  maxOpenRequests: number;
  /** Session requests a user may send per hour. */
  requestsPerHour: number;
  /** The meeting link of mentors who have none of their own; `{id}` becomes the session's id. */
  videoLinkTemplate: string | null;
  /** How long before a session its parties are reminded. */
  reminderMinutesBefore: number;
}

export const SESSION_LENGTHS = [15, 30, 45] as const;
export type SessionLength = (typeof SESSION_LENGTHS)[number];

export const SESSION_SETTINGS_DEFAULTS: Readonly<SessionSettings> = Object.freeze<SessionSettings>({
  lengthsOffered: [15, 30],
  expiryHours: 72,
  maxOpenRequests: 3,
  requestsPerHour: 10,
  videoLinkTemplate: null,
  reminderMinutesBefore: 60,
});

/** The mentor is warned this long before an unanswered request expires. */
export const EXPIRY_WARNING_HOURS = 12;
