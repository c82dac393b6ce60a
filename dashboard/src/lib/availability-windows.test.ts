import { describe, expect, it } from 'vitest';
import { sortWindows, timeZoneChoices, windowProblems } from './availability-windows.js';

describe('windowProblems', () => {
  it('accepts windows that do not overlap, up to the end of the day', () => {
    expect(
      windowProblems([
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '12:00', end: '13:30' },
        { weekday: 2, start: '22:00', end: '24:00' },
      ]),
    ).toEqual([]);
  });

  it('names the day of a window that ends before it starts, overlaps another, or is no time', () => {
    expect(
      windowProblems([
        { weekday: 3, start: '14:00', end: '13:00' },
        { weekday: 4, start: '09:00', end: '11:00' },
        { weekday: 4, start: '10:30', end: '12:00' },
        { weekday: 5, start: '9', end: '10:00' },
      ]),
    ).toEqual([
      'Wednesday: 14:00–13:00 ends before it starts.',
      'Thursday: 10:30–12:00 overlaps another window.',
      'Friday: give times as HH:MM, such as 09:00 to 12:30.',
    ]);
  });
});

describe('sortWindows and timeZoneChoices', () => {
  it('orders windows by day then start', () => {
    expect(
      sortWindows([
        { weekday: 2, start: '09:00', end: '10:00' },
        { weekday: 1, start: '15:00', end: '16:00' },
        { weekday: 1, start: '08:00', end: '09:00' },
      ]).map((w) => `${w.weekday} ${w.start}`),
    ).toEqual(['1 08:00', '1 15:00', '2 09:00']);
  });

  it('offers the browser’s zones, and keeps one it does not know', () => {
    expect(timeZoneChoices('Europe/Madrid')).toContain('Europe/Madrid');
    expect(timeZoneChoices('UTC')).toContain('UTC');
    expect(timeZoneChoices('Mars/Olympus')[0]).toBe('Mars/Olympus');
  });
});
