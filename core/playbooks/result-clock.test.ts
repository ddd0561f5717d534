import { describe, expect, it } from 'vitest';
import { cmdFileTimeToUtc, minuteInWindow, parseTimeZoneInformation, resultClock } from './time.js';

/** A `reg query …\TimeZoneInformation` answer as reg.exe prints it (Microsoft's reg query docs). */
const tzQuery = (values: Record<string, number>): string =>
  [
    '',
    'HKEY_LOCAL_MACHINE\\BM_SYS\\ControlSet001\\Control\\TimeZoneInformation',
    ...Object.entries(values).map(([name, value]) => `    ${name}    REG_DWORD    0x${(value >>> 0).toString(16)}`),
    '    TimeZoneKeyName    REG_SZ    W. Europe Standard Time',
    '',
  ].join('\r\n');

describe("the PC's own time zone from its offline hive", () => {
  it('reads ActiveTimeBias (minutes west, negative as a 32-bit DWORD) as minutes east, else Bias', () => {
    expect(parseTimeZoneInformation(tzQuery({ Bias: -60, ActiveTimeBias: -120 }))).toEqual({ offsetMinutesEast: 120, clockIsUtc: false });
    expect(parseTimeZoneInformation(tzQuery({ Bias: 480, ActiveTimeBias: 420 }))).toEqual({ offsetMinutesEast: -420, clockIsUtc: false });
    expect(parseTimeZoneInformation(tzQuery({ Bias: -330 }))).toEqual({ offsetMinutesEast: 330, clockIsUtc: false });
    expect(parseTimeZoneInformation(tzQuery({ ActiveTimeBias: 0, RealTimeIsUniversal: 1 }))).toEqual({ offsetMinutesEast: 0, clockIsUtc: true });
    expect(parseTimeZoneInformation('ERROR: The system was unable to find the specified registry key or value.')).toEqual({ offsetMinutesEast: null, clockIsUtc: false });
    // A value outside -14:00..+12:00 is not a time zone.
    expect(parseTimeZoneInformation(tzQuery({ ActiveTimeBias: 5000 }))).toEqual({ offsetMinutesEast: null, clockIsUtc: false });
  });
});

describe('which clock the result times come from', () => {
  it("WinPE reads a Berlin PC's hardware clock as Pacific time: start and end move by the difference", () => {
    // The PC's clock shows 14:00 (CEST, +120); WinPE (PDT, -420) takes that as 21:00 UTC. It is 12:00 UTC.
    const clock = resultClock({ environment: 'winpe', sessionOffset: -420, pcOffset: 120, pcClockIsUtc: false });
    expect(clock).toEqual({ timesFrom: 'pc-time-zone', pcUtcOffsetMinutes: 120, correctionMinutes: -540 });
    const sessionUtc = Date.parse('2024-07-19T21:00:00Z');
    expect(new Date(sessionUtc + clock.correctionMinutes! * 60_000).toISOString()).toBe('2024-07-19T12:00:00.000Z');
  });

  it('a PC that keeps its hardware clock in UTC: only the session offset is undone', () => {
    expect(resultClock({ environment: 'winre', sessionOffset: -420, pcOffset: 120, pcClockIsUtc: true })).toEqual({ timesFrom: 'pc-time-zone', pcUtcOffsetMinutes: 120, correctionMinutes: -420 });
  });

  it('falls back to the session clock, and says so, when the hive cannot be read', () => {
    expect(resultClock({ environment: 'winpe', sessionOffset: -420, pcOffset: null, pcClockIsUtc: false })).toEqual({ timesFrom: 'session', pcUtcOffsetMinutes: null, correctionMinutes: null });
  });

  it("Safe Mode is the PC's own Windows; Windows with a docked disk keeps its own clock right", () => {
    expect(resultClock({ environment: 'safemode', sessionOffset: 120, pcOffset: null, pcClockIsUtc: false })).toEqual({ timesFrom: 'pc-time-zone', pcUtcOffsetMinutes: 120, correctionMinutes: null });
    expect(resultClock({ environment: 'windows', sessionOffset: 0, pcOffset: 120, pcClockIsUtc: false })).toEqual({ timesFrom: 'session', pcUtcOffsetMinutes: 120, correctionMinutes: null });
  });

  it("the time window check stays on the session's zone: the PC's zone would move the bad file out of the window", () => {
    // In WinPE (PDT) cmd shows the 04:20 UTC bad file as 21:20 the day before.
    const window = { from: new Date('2024-07-19T04:09:00Z'), before: new Date('2024-07-19T05:27:00Z') };
    const shown = '07/18/2024 09:20 PM';
    expect(minuteInWindow(cmdFileTimeToUtc(shown, -420)!, window)).toBe('pass');
    expect(minuteInWindow(cmdFileTimeToUtc(shown, 120)!, window)).toBe('fail');
  });
});
