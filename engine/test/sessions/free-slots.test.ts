import { describe, expect, it } from 'vitest';
import { freeSlots, isFreeSlot, slotLabel } from '../../src/sessions/free-slots.js';

const everyDay = (startMinute: number, endMinute: number) =>
  [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute, endMinute }));

const base = {
  timeZone: 'Europe/London',
  awayUntil: null,
  booked: [],
  lengthMinutes: 30,
  now: new Date('2026-01-01T00:00:00Z'),
};

describe('free slots', () => {
  it('keeps wall-clock windows across the spring DST change (Europe/London, 29 March 2026)', () => {
    const slots = freeSlots({
      ...base,
      windows: everyDay(9 * 60, 10 * 60),
      from: new Date('2026-03-27T00:00:00Z'),
      days: 4,
    });
    expect(slots.map((s) => s.start.toISOString())).toEqual([
      '2026-03-27T09:00:00.000Z',
      '2026-03-27T09:30:00.000Z',
      '2026-03-28T09:00:00.000Z',
      '2026-03-28T09:30:00.000Z',
      // British Summer Time from here: 09:00 in London is 08:00 UTC.
      '2026-03-29T08:00:00.000Z',
      '2026-03-29T08:30:00.000Z',
      '2026-03-30T08:00:00.000Z',
      '2026-03-30T08:30:00.000Z',
    ]);
  });

  it('offers no slot in the hour the change skips, and labels slots in the viewer zone', () => {
    const sunday = [{ weekday: 7, startMinute: 60, endMinute: 3 * 60 }];
    const slots = freeSlots({
      ...base,
      windows: sunday,
      from: new Date('2026-03-29T00:00:00Z'),
      days: 1,
    });
    // 01:00 and 01:30 do not exist in London that night; 02:00 and later do (BST, UTC+1).
    expect(slots.map((s) => s.start.toISOString())).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']);
    expect(slotLabel(slots[0]!, 'Europe/Berlin')).toBe('Sun 29 Mar, 03:00–03:30');
  });

  it('keeps wall-clock windows across the autumn change too, offering a repeated hour once (25 October 2026)', () => {
    const slots = freeSlots({
      ...base,
      windows: [
        { weekday: 6, startMinute: 9 * 60, endMinute: 9 * 60 + 30 },
        { weekday: 7, startMinute: 60, endMinute: 2 * 60 },
        { weekday: 7, startMinute: 9 * 60, endMinute: 9 * 60 + 30 },
      ],
      from: new Date('2026-10-24T00:00:00Z'),
      days: 2,
    });
    expect(slots.map((s) => s.start.toISOString())).toEqual([
      '2026-10-24T08:00:00.000Z', // 09:00 BST
      '2026-10-25T00:00:00.000Z', // 01:00 BST, the first of the two 01:00s
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T09:00:00.000Z', // 09:00 GMT
    ]);
  });

  it('leaves out booked cells, days away, the past, and overlapping windows twice', () => {
    const q = {
      ...base,
      windows: [...everyDay(9 * 60, 11 * 60), { weekday: 2, startMinute: 10 * 60, endMinute: 12 * 60 }],
      from: new Date('2026-01-05T00:00:00Z'), // a Monday
      days: 3,
      now: new Date('2026-01-05T09:10:00Z'),
      booked: [new Date('2026-01-05T09:45:00Z')],
      lengthMinutes: 30,
    };
    const starts = freeSlots(q).map((s) => s.start.toISOString().slice(0, 16));
    expect(starts).toEqual([
      '2026-01-05T10:00',
      '2026-01-05T10:30',
      ...['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'].map((t) => `2026-01-06T${t}`),
      ...['09:00', '09:30', '10:00', '10:30'].map((t) => `2026-01-07T${t}`),
    ]);
    const away = freeSlots({ ...q, awayUntil: '2026-01-06' });
    expect(away.map((s) => s.start.toISOString().slice(0, 10))).toEqual(Array(4).fill('2026-01-07'));
    expect(isFreeSlot(q, new Date('2026-01-07T10:30:00Z'))).toBe(true);
    expect(isFreeSlot(q, new Date('2026-01-05T09:30:00Z'))).toBe(false);
    expect(isFreeSlot(q, new Date('2026-01-07T10:40:00Z'))).toBe(false);
  });

  it('steps 15 minutes for 15-minute sessions and fits 45-minute ones inside the window', () => {
    const q = { ...base, windows: everyDay(9 * 60, 10 * 60), from: new Date('2026-01-05T00:00:00Z'), days: 1 };
    expect(freeSlots({ ...q, lengthMinutes: 15 })).toHaveLength(4);
    expect(freeSlots({ ...q, lengthMinutes: 45 }).map((s) => s.end.toISOString())).toEqual([
      '2026-01-05T09:45:00.000Z',
    ]);
  });
});
