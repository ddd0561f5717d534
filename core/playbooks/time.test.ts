import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cmdFileTimeToUtc,
  dateOrderFromShortDatePattern,
  daysSinceEpoch,
  formatWallClock,
  minuteInWindow,
  parseActiveTimeBias,
  parseCmdFileTime,
  parseWmicCurrentTimeZone,
  utcToWallClock,
  utcWindowToLocalMinutes,
  wallClockMinutes,
  wallClockToUtc,
} from './time.js';

const iso = (date: Date | null) => date?.toISOString().replace('.000Z', 'Z') ?? null;
const WINDOW = { from: new Date('2024-07-19T04:09:00Z'), before: new Date('2024-07-19T05:27:00Z') };

describe('cmd file times to UTC', () => {
  it.each([
    ['Pacific (WinPE default, PDT)', '07/18/2024 09:09 PM', -420, '2024-07-19T04:09:00Z'],
    ['Pacific, last bad minute', '07/18/2024 10:26 PM', -420, '2024-07-19T05:26:00Z'],
    ['UTC, ISO dates', '2024-07-19 04:09', 0, '2024-07-19T04:09:00Z'],
    ['India (+330)', '19-07-2024 09:39', 330, '2024-07-19T04:09:00Z'],
    ['Germany in summer (+120)', '19.07.2024 07:27', 120, '2024-07-19T05:27:00Z'],
    ['across midnight forwards', '20.07.2024 00:15', 330, '2024-07-19T18:45:00Z'],
    ['across midnight backwards', '07/18/2024 11:59 PM', -420, '2024-07-19T06:59:00Z'],
    ['across a year end', '12/31/2024 11:30 PM', -480, '2025-01-01T07:30:00Z'],
    ['12 AM is midnight', '07/19/2024 12:05 AM', 0, '2024-07-19T00:05:00Z'],
    ['12 PM is noon', '07/19/2024 12:05 PM', 0, '2024-07-19T12:05:00Z'],
    ['lower-case, dotted designator', '7/19/2024 4:09 a.m.', 0, '2024-07-19T04:09:00Z'],
    ['two-digit year, dotted time', '19.07.24 06.09', 120, '2024-07-19T04:09:00Z'],
  ])('%s: %s at %d', (_name, text, offset, expected) => {
    expect(iso(cmdFileTimeToUtc(text, offset))).toBe(expected);
  });

  it('refuses what it cannot read for sure', () => {
    expect(parseCmdFileTime('07/08/2024 10:00')).toBeNull();
    expect(parseCmdFileTime('07/08/2024 10:00', 'DMY')).toMatchObject({ month: 8, day: 7 });
    expect(parseCmdFileTime('02/30/2024 10:00 AM')).toBeNull();
    expect(parseCmdFileTime('07/19/2024 13:00 PM')).toBeNull();
    expect(parseCmdFileTime('07/19/2024 00:15 AM')).toBeNull();
    expect(parseCmdFileTime('2024-07-19 09:15 nachm.')).toBeNull();
    expect(parseCmdFileTime('not a time')).toBeNull();
  });

  it('takes the date order from the short date pattern', () => {
    expect(dateOrderFromShortDatePattern('M/d/yyyy')).toBe('MDY');
    expect(dateOrderFromShortDatePattern('dd.MM.yyyy')).toBe('DMY');
    expect(dateOrderFromShortDatePattern('yyyy-MM-dd')).toBe('YMD');
    expect(dateOrderFromShortDatePattern("d' de 'MMMM' de 'yyyy")).toBe('DMY');
    expect(dateOrderFromShortDatePattern('ddd')).toBeNull();
  });

  it('refuses an offset no zone has', () => {
    expect(() => wallClockToUtc({ year: 2024, month: 7, day: 19, hour: 4, minute: 9 }, 900)).toThrow(RangeError);
  });
});

describe('the 04:09 / 05:27 boundary at minute precision', () => {
  const offsets = [-720, -480, -420, 0, 60, 120, 330, 345, 840];
  const cases: [string, string, 'pass' | 'fail'][] = [
    ['04:08:59 is before the window', '2024-07-19T04:08:59Z', 'fail'],
    ['04:09:00 is the first bad second', '2024-07-19T04:09:00Z', 'pass'],
    ['04:09:59 shows as 04:09', '2024-07-19T04:09:59Z', 'pass'],
    ['05:26:59 is the last bad second', '2024-07-19T05:26:59Z', 'pass'],
    ['05:27:00 is the fixed file', '2024-07-19T05:27:00Z', 'fail'],
  ];

  it.each(cases)('%s, whatever the session offset', (_name, actual, expected) => {
    for (const offset of offsets) {
      // What cmd shows: the local minute the file falls in, seconds dropped.
      const shown = utcToWallClock(new Date(actual), offset);
      const backToUtc = wallClockToUtc(shown, offset);
      expect(minuteInWindow(backToUtc, WINDOW)).toBe(expected);
      const window = utcWindowToLocalMinutes(WINDOW, offset);
      const minute = wallClockMinutes(shown);
      expect(minute >= window.from && minute < window.before).toBe(expected === 'pass');
    }
  });

  it('shows the Pacific reading that fooled July 2024 scripts', () => {
    expect(formatWallClock(utcToWallClock(WINDOW.from, -420))).toBe('2024-07-18 21:09');
  });

  it('a bound with seconds leaves its minute unknown, and the window in local minutes keeps it out', () => {
    const ragged = { from: new Date('2024-07-19T04:09:30Z'), before: new Date('2024-07-19T05:26:30Z') };
    expect(minuteInWindow(new Date('2024-07-19T04:09:00Z'), ragged)).toBe('unknown');
    expect(minuteInWindow(new Date('2024-07-19T05:26:00Z'), ragged)).toBe('unknown');
    expect(minuteInWindow(new Date('2024-07-19T04:10:00Z'), ragged)).toBe('pass');
    const local = utcWindowToLocalMinutes(ragged, 0);
    expect(local.from).toBe(wallClockMinutes({ year: 2024, month: 7, day: 19, hour: 4, minute: 10 }));
    expect(local.before).toBe(wallClockMinutes({ year: 2024, month: 7, day: 19, hour: 5, minute: 26 }));
  });
});

describe('integer day arithmetic for set /a', () => {
  it('property: days since 1970 agree with Date.UTC and minutes fit in 32 bits', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1980-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:00Z'), noInvalidDate: true }), (date) => {
        const clock = utcToWallClock(date, 0);
        expect(daysSinceEpoch(clock.year, clock.month, clock.day) * 86_400_000).toBe(Date.UTC(clock.year, clock.month - 1, clock.day));
        expect(wallClockMinutes(clock)).toBeLessThan(2 ** 31);
      }),
    );
  });
});

describe('the session offset', () => {
  it('reads wmic os get currenttimezone', () => {
    expect(parseWmicCurrentTimeZone('CurrentTimeZone  \r\r\n-420             \r\r\n\r\r\n')).toBe(-420);
    expect(parseWmicCurrentTimeZone('CurrentTimeZone\r\n330\r\n')).toBe(330);
    expect(parseWmicCurrentTimeZone("'wmic' is not recognized as an internal or external command")).toBeNull();
  });

  it('reads ActiveTimeBias (minutes west, two-complement DWORD)', () => {
    const reg = (hex: string) => `\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\TimeZoneInformation\r\n    ActiveTimeBias    REG_DWORD    ${hex}\r\n\r\n`;
    expect(parseActiveTimeBias(reg('0x1a4'))).toBe(-420);
    expect(parseActiveTimeBias(reg('0xfffffeb6'))).toBe(330);
    expect(parseActiveTimeBias(reg('0xffffff88'))).toBe(120);
    expect(parseActiveTimeBias(reg('0x0'))).toBe(0);
    expect(parseActiveTimeBias('ERROR: The system was unable to find the specified registry key or value.')).toBeNull();
  });
});
