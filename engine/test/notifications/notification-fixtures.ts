import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { Repositories } from '../../src/db/repositories.js';

export interface SessionFixture {
  menteeId: number;
  mentorUserId: number;
  sessionRequestId: number;
}

/** Empties what the notification tests write, children first. */
export async function emptyNotificationTables(handle: DatabaseHandle): Promise<void> {
  for (const table of [
    'email_outbox',
    'notifications',
    'session_requests',
    'mentor_schedules',
    'mentor_users',
    'user_roles',
    'sessions',
    'users',
    'mentors',
  ])
    await sql`delete from ${sql.table(table)}`.execute(handle.db);
}

/**
 * A mentee in London and a mentor user in New York with an accepted 30-minute session at `slotStart`
 * (state and slot as given), the mentor's schedule in New York time.
 */
export async function sessionFixture(
  handle: DatabaseHandle,
  repos: Repositories,
  opts: { slotStart?: string | null; state?: string; suffix?: string } = {},
): Promise<SessionFixture> {
  const suffix = opts.suffix ?? '';
  const { rows } = await sql<{ id: number }>`
    insert into mentors (external_id, name, headline, bio, timezone, years_experience, capacity_per_month)
    values (${`m-ada${suffix}`}, 'Ada Mentor', 'H', 'B', 'America/New_York', 10, 3) returning id`.execute(handle.db);
  const mentorId = Number(rows[0]!.id);
  await sql`insert into mentor_schedules (mentor_id, time_zone) values (${mentorId}, 'America/New_York')`.execute(
    handle.db,
  );
  const mentee = await repos.users.create({
    email: `bo${suffix}@example.org`,
    name: 'Bo Mentee',
    timeZone: 'Europe/London',
    passwordHash: null,
    roles: ['mentee'],
  });
  const mentor = await repos.users.create({
    email: `ada${suffix}@example.org`,
    name: 'Ada Mentor',
    timeZone: 'America/New_York',
    passwordHash: null,
    roles: ['mentor'],
  });
  await repos.users.linkMentor(mentor.id, `m-ada${suffix}`);
  const slot = opts.slotStart === undefined ? '2026-07-01T14:00:00Z' : opts.slotStart;
  const created = await sql<{ id: number }>`
    insert into session_requests (mentor_id, user_id, state, length_minutes, slot_start, mentee_time_zone,
      video_link, expires_at)
    values (${mentorId}, ${mentee.id}, ${opts.state ?? 'accepted'}, 30, ${slot}, 'Europe/London',
      'https://meet.example.org/mm-1', now() + interval '72 hours')
    returning id`.execute(handle.db);
  return { menteeId: mentee.id, mentorUserId: mentor.id, sessionRequestId: Number(created.rows[0]!.id) };
}
