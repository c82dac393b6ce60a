import { DateTime } from 'luxon';
import type { AvailabilityWindow } from '../db/availability-repository.js';

/** What the free slots are computed from: the mentor's schedule and the cells already booked. */
export interface SlotQuery {
  /** The mentor's IANA time zone: windows are wall-clock times there, so they follow its DST changes. */
  timeZone: string;
  /** 'YYYY-MM-DD', the last day away (in the mentor's time zone); null when not away. */
  awayUntil: string | null;
  windows: readonly AvailabilityWindow[];
  /** Starts of the mentor's booked 15-minute cells. */
  booked: readonly Date[];
  from: Date;
  days: number;
  lengthMinutes: number;
  /** Slots that start before now are gone. */
  now: Date;
}

export interface FreeSlot {
  start: Date;
  end: Date;
}

const CELL_MS = 15 * 60_000;

/**
 * Slots start every 30 minutes from a window's start (every 15 for 15-minute sessions): finer starts made lists
 * too long to choose from, coarser ones wasted windows.
 */
export function slotStep(lengthMinutes: number): number {
  return lengthMinutes <= 15 ? 15 : 30;
}

/**
 * The mentor's free slots of `lengthMinutes` starting in [from, from + days): inside a weekly window (wall-clock
 * time in the mentor's zone, so 09:00 stays 09:00 across a DST change; a time the change skips is no slot), not
 * on a day away, not overlapping a booked cell, not in the past. Ordered by start.
 */
export function freeSlots(q: SlotQuery): FreeSlot[] {
  const until = q.from.getTime() + q.days * 86_400_000;
  const booked = new Set(q.booked.map((d) => d.getTime()));
  const step = slotStep(q.lengthMinutes);
  const lengthMs = q.lengthMinutes * 60_000;
  const out: FreeSlot[] = [];
  // One day before and after: a window late on the mentor's day can start within the range on the viewer's.
  let day = DateTime.fromJSDate(q.from, { zone: q.timeZone }).startOf('day').minus({ days: 1 });
  const lastDay = DateTime.fromMillis(until, { zone: q.timeZone }).startOf('day');
  for (; day <= lastDay; day = day.plus({ days: 1 })) {
    if (q.awayUntil !== null && day.toISODate()! <= q.awayUntil) continue;
    for (const w of q.windows) {
      if (w.weekday !== day.weekday) continue;
      for (let minute = w.startMinute; minute + q.lengthMinutes <= w.endMinute; minute += step) {
        const local = day.set({ hour: Math.floor(minute / 60), minute: minute % 60 });
        // In the hour a spring DST change skips, luxon moves the time on; that wall-clock time does not exist.
        if (local.hour !== Math.floor(minute / 60) || local.minute !== minute % 60) continue;
        const start = local.toMillis();
        if (start < q.from.getTime() || start >= until || start < q.now.getTime()) continue;
        let free = true;
        for (let cell = start - (start % CELL_MS); cell < start + lengthMs; cell += CELL_MS) {
          if (booked.has(cell)) free = false;
        }
        if (free) out.push({ start: new Date(start), end: new Date(start + lengthMs) });
      }
    }
  }
  out.sort((a, b) => a.start.getTime() - b.start.getTime());
  // Two windows of one day may overlap; a slot is offered once.
  return out.filter((s, i) => i === 0 || s.start.getTime() !== out[i - 1]!.start.getTime());
}

/** Whether `start` is one of the free slots of the schedule. */
export function isFreeSlot(q: Omit<SlotQuery, 'from' | 'days'>, start: Date): boolean {
  return freeSlots({ ...q, from: start, days: 1 }).some((s) => s.start.getTime() === start.getTime());
}

/** A slot as the mentee reads it, in their time zone: "Tue 10 Mar, 14:00–14:30". */
export function slotLabel(slot: FreeSlot, timeZone: string): string {
  const start = DateTime.fromJSDate(slot.start, { zone: timeZone }).setLocale('en-GB');
  const end = DateTime.fromJSDate(slot.end, { zone: timeZone }).setLocale('en-GB');
  return `${start.toFormat('ccc d LLL, HH:mm')}–${end.toFormat('HH:mm')}`;
}
