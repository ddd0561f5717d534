/**
 * The clock maths fix.cmd needs, written so a batch file can mirror it line for line:
 * integers only, truncating division on non-negative numbers (what `set /a` does). One
 * trap when mirroring: `set /a` reads "08" and "09" as bad octal, so strip leading zeros
 * (e.g. `set /a mm=1%mm%-100`) before any arithmetic on a date field.
 *
 * Why it matters: cmd's `%~t` and `dir` print a file's time in the session's local time,
 * and WinPE starts in Pacific time. Compare those against a UTC window unconverted and the
 * 04:09 UTC bad file reads as 21:09 the day before: "outside the window", machine left
 * broken. cmd converts with the bias in force *now* (FileTimeToLocalFileTime), not the one
 * that applied on the file's date, so undoing it with the session's current offset
 * (`wmic os get currenttimezone`, or ActiveTimeBias from the registry) is exact.
 *
 * Minute precision: `%~t` has no seconds, so a file's time is known only as the minute it
 * falls in. For a window whose bounds are whole minutes that loses nothing: a file at
 * 04:09:xx shows 04:09 (inside, from = 04:09), 04:08:59 shows 04:08 (outside), 05:26:59
 * shows 05:26 (inside), 05:27:00 shows 05:27 (outside, before = 05:27 is exclusive). Only a
 * bound with seconds leaves a minute that is partly inside: `minuteInWindow` says 'unknown'.
 */

/** A wall-clock reading with minute precision, as cmd prints it. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** Order of day, month and year in the session's short date (HKCU\Control Panel\International iDate: 0, 1, 2). */
export type DateOrder = 'MDY' | 'DMY' | 'YMD';

export const MINUTES_PER_DAY = 1440;
/** Offsets from UTC span -12:00 to +14:00. */
export const MAX_OFFSET_MINUTES = 840;

/**
 * Reads the date-time cmd prints for `%~tF` (or the first two or three columns of a `dir`
 * line): "07/19/2024 09:15 PM" (en-US), "19.07.2024 21:15" (de-DE),
 * "2024-07-19 21:15" (ISO), "19/07/24 21.15" (two-digit year = 20yy). Without `order`,
 * a four-digit first field means YMD, "." or "-" as separator means DMY, and "/" is decided
 * only when one field is above 12; otherwise null, because 07/08 is ambiguous. Unknown
 * AM/PM designators give null rather than a guess.
 */
export function parseCmdFileTime(text: string, order?: DateOrder): WallClock | null {
  const match = /^\s*(?:[^\d\s]{2,4}\.?\s+)?(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})\s+(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?\s*(\S+)?\s*$/.exec(text);
  if (!match) return null;
  const [, a, separator, b, c, h, m, designator] = match;
  const fields = [Number(a), Number(b), Number(c)] as const;
  const resolved = order ?? guessDateOrder(fields, a!.length, separator!);
  if (!resolved) return null;
  const date = orderFields(fields, resolved);
  const hour = to24Hour(Number(h), designator);
  if (!date || hour === null) return null;
  const wallClock = { ...date, hour, minute: Number(m) };
  return isValidWallClock(wallClock) ? wallClock : null;
}

/** Short date pattern from the registry (sShortDate), e.g. "M/d/yyyy", "dd.MM.yyyy", "yyyy-MM-dd". */
export function dateOrderFromShortDatePattern(pattern: string): DateOrder | null {
  const order = pattern
    .replace(/'[^']*'/g, '')
    .split('')
    .filter((ch) => /[dMy]/.test(ch))
    .filter((ch, index, all) => all[index - 1] !== ch)
    .join('')
    .toUpperCase();
  return order === 'MDY' || order === 'DMY' || order === 'YMD' ? order : null;
}

/**
 * Days since 1970-01-01 by the Julian-day formula: no branches, no negative intermediate
 * values for years after 4800 BC, so cmd can compute it with `set /a` as written:
 *   a = (14 - month) / 12;  y = year + 4800 - a;  m = month + 12 * a - 3
 *   jdn = day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
 */
export function daysSinceEpoch(year: number, month: number, day: number): number {
  const a = Math.trunc((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  const julianDay = day + Math.trunc((153 * m + 2) / 5) + 365 * y + Math.trunc(y / 4) - Math.trunc(y / 100) + Math.trunc(y / 400) - 32045;
  return julianDay - 2_440_588;
}

/** Minutes since 1970-01-01 00:00 on the same clock; fits a 32-bit `set /a` until the year 6053. */
export function wallClockMinutes(clock: WallClock): number {
  return daysSinceEpoch(clock.year, clock.month, clock.day) * MINUTES_PER_DAY + clock.hour * 60 + clock.minute;
}

/** Local reading + offset east of UTC (PDT = -420, CEST = 120, IST = 330) -> UTC minute since 1970. */
export function localMinutesToUtcMinutes(localMinutes: number, offsetMinutesEast: number): number {
  return localMinutes - offsetMinutesEast;
}

export function wallClockToUtc(clock: WallClock, offsetMinutesEast: number): Date {
  assertOffset(offsetMinutesEast);
  return new Date(localMinutesToUtcMinutes(wallClockMinutes(clock), offsetMinutesEast) * 60_000);
}

export function cmdFileTimeToUtc(text: string, offsetMinutesEast: number, order?: DateOrder): Date | null {
  const clock = parseCmdFileTime(text, order);
  return clock ? wallClockToUtc(clock, offsetMinutesEast) : null;
}

/** The inverse: what a local clock showed at a UTC instant (seconds dropped, as cmd does). */
export function utcToWallClock(utc: Date, offsetMinutesEast: number): WallClock {
  assertOffset(offsetMinutesEast);
  const local = new Date(Math.floor(utc.getTime() / 60_000) * 60_000 + offsetMinutesEast * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
  };
}

/**
 * The inverse, for a script that converts the window once instead of every file: the UTC
 * window as local wall-clock minutes, so `from <= fileMinute < before` on the displayed
 * reading means the file's whole minute is inside. Bounds with seconds are rounded inwards
 * (from up, before down): the minute they cut through counts as outside, which keeps the
 * file (where `minuteInWindow` would say 'unknown').
 */
export function utcWindowToLocalMinutes(window: { from: Date | string; before: Date | string }, offsetMinutesEast: number): { from: number; before: number } {
  assertOffset(offsetMinutesEast);
  return {
    from: Math.ceil(instantMs(window.from) / 60_000) + offsetMinutesEast,
    before: Math.floor(instantMs(window.before) / 60_000) + offsetMinutesEast,
  };
}

export function formatWallClock(clock: WallClock): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)} ${pad(clock.hour)}:${pad(clock.minute)}`;
}

/**
 * Where a file known only to the minute stands against [from, before): 'pass' when the
 * whole minute is inside, 'fail' when the whole minute is outside, 'unknown' when a bound
 * with seconds cuts through it.
 */
export function minuteInWindow(minuteStartUtc: Date, window: { from: Date; before: Date }): 'pass' | 'fail' | 'unknown' {
  const start = Math.floor(minuteStartUtc.getTime() / 60_000) * 60_000;
  const end = start + 60_000;
  if (start >= window.from.getTime() && end <= window.before.getTime()) return 'pass';
  if (end <= window.from.getTime() || start >= window.before.getTime()) return 'fail';
  return 'unknown';
}

/**
 * `wmic os get currenttimezone` prints a header and the offset east of UTC in minutes,
 * already including daylight saving (-420 in a Pacific July).
 */
export function parseWmicCurrentTimeZone(output: string): number | null {
  const value = output
    .split(/\r*\n/)
    .map((line) => line.trim())
    .find((line) => /^[+-]?\d{1,4}$/.test(line));
  return value === undefined ? null : checkedOffset(Number(value));
}

/**
 * For sessions without wmic (Windows 11 24H2, WinPE without WinPE-WMI):
 * `reg query HKLM\SYSTEM\CurrentControlSet\Control\TimeZoneInformation /v ActiveTimeBias`
 * gives minutes WEST of UTC as a DWORD ("0x1a4" = 420 -> -420; India's -330 is 0xfffffeb6,
 * which `set /a` also reads as -330).
 */
export function parseActiveTimeBias(regQueryOutput: string): number | null {
  const match = /ActiveTimeBias\s+REG_DWORD\s+0x([0-9a-fA-F]{1,8})/i.exec(regQueryOutput);
  if (!match) return null;
  const bias = Number.parseInt(match[1]!, 16) | 0;
  return checkedOffset(bias === 0 ? 0 : -bias);
}

function guessDateOrder(fields: readonly [number, number, number], firstLength: number, separator: string): DateOrder | null {
  if (firstLength === 4) return 'YMD';
  if (separator !== '/') return 'DMY';
  if (fields[0] > 12 && fields[1] <= 12) return 'DMY';
  if (fields[1] > 12 && fields[0] <= 12) return 'MDY';
  return null;
}

function orderFields(fields: readonly [number, number, number], order: DateOrder): { year: number; month: number; day: number } | null {
  const [first, second, third] = fields;
  const date =
    order === 'YMD' ? { year: first, month: second, day: third } : order === 'MDY' ? { year: third, month: first, day: second } : { year: third, month: second, day: first };
  if (date.year < 100) return { ...date, year: 2000 + date.year };
  return date.year >= 1601 ? date : null;
}

function to24Hour(hour: number, designator: string | undefined): number | null {
  if (designator === undefined) return hour;
  const half = designator.toLowerCase().replaceAll('.', '');
  if (half !== 'am' && half !== 'pm') return null;
  if (hour < 1 || hour > 12) return null;
  return (hour % 12) + (half === 'pm' ? 12 : 0);
}

function isValidWallClock(clock: WallClock): boolean {
  if (clock.month < 1 || clock.month > 12 || clock.day < 1 || clock.hour > 23 || clock.minute > 59) return false;
  const daysInMonth = daysSinceEpoch(clock.month === 12 ? clock.year + 1 : clock.year, clock.month === 12 ? 1 : clock.month + 1, 1) - daysSinceEpoch(clock.year, clock.month, 1);
  return clock.day <= daysInMonth;
}

function instantMs(value: Date | string): number {
  const ms = (typeof value === 'string' ? new Date(value) : value).getTime();
  if (Number.isNaN(ms)) throw new RangeError('not a valid time');
  return ms;
}

function checkedOffset(offset: number): number | null {
  return Number.isInteger(offset) && Math.abs(offset) <= MAX_OFFSET_MINUTES ? offset : null;
}

function assertOffset(offset: number): void {
  if (checkedOffset(offset) === null) throw new RangeError(`offset must be whole minutes between -${MAX_OFFSET_MINUTES} and ${MAX_OFFSET_MINUTES}`);
}

/**
 * The PC's own time zone from its offline SYSTEM hive (`reg query
 * HKLM\<mount>\ControlSet00n\Control\TimeZoneInformation`): ActiveTimeBias (minutes WEST of
 * UTC as the PC last ran, daylight saving included), else Bias; RealTimeIsUniversal=1 means the
 * PC keeps its hardware clock in UTC rather than local time.
 */
export function parseTimeZoneInformation(regQueryOutput: string): { offsetMinutesEast: number | null; clockIsUtc: boolean } {
  const dword = (name: string): number | null => {
    const match = new RegExp(`^\\s*${name}\\s+REG_DWORD\\s+0x([0-9a-fA-F]{1,8})\\s*$`, 'im').exec(regQueryOutput);
    return match ? Number.parseInt(match[1]!, 16) | 0 : null;
  };
  const bias = dword('ActiveTimeBias') ?? dword('Bias');
  return { offsetMinutesEast: bias === null ? null : checkedOffset(bias === 0 ? 0 : -bias), clockIsUtc: dword('RealTimeIsUniversal') === 1 };
}

export interface ResultClock {
  timesFrom: 'pc-time-zone' | 'session';
  pcUtcOffsetMinutes: number | null;
  /**
   * Minutes to add to the session's own idea of UTC for startedAt/endedAt, null for none.
   * WinPE and WinRE read the PC's hardware clock (kept in the PC's local time) as if it were
   * their own zone's (Pacific by default), so their "UTC" is off by sessionOffset - pcOffset.
   * File times need no such fix: NTFS keeps them in UTC and cmd shows them in the session's
   * zone, which the session offset undoes exactly, so the time window check stays on it.
   */
  correctionMinutes: number | null;
}

/** fix.cmd's :bm_result_times. */
export function resultClock(input: { environment: string; sessionOffset: number | null; pcOffset: number | null; pcClockIsUtc: boolean }): ResultClock {
  const { environment, sessionOffset, pcOffset } = input;
  // Safe Mode runs the PC's own Windows: its zone is the PC's.
  if (environment === 'safemode' && sessionOffset !== null) return { timesFrom: 'pc-time-zone', pcUtcOffsetMinutes: sessionOffset, correctionMinutes: null };
  if ((environment === 'winpe' || environment === 'winre') && pcOffset !== null && sessionOffset !== null) {
    return { timesFrom: 'pc-time-zone', pcUtcOffsetMinutes: pcOffset, correctionMinutes: sessionOffset - (input.pcClockIsUtc ? 0 : pcOffset) };
  }
  // Windows itself (a disk in a dock) keeps its own clock right; without the PC's zone WinPE's clock is all there is.
  return { timesFrom: 'session', pcUtcOffsetMinutes: pcOffset, correctionMinutes: null };
}
