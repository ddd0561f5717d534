/** Value shapes and small parsers shared by the importers. Nothing here echoes a value in a message. */

export const PASSWORD_SHAPE = /^\s*\d{6}(?:[\s-]*\d{6}){7}\s*$/;
export const GUID_SHAPE = /^\s*\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?\s*$/;
/** A GUID in braces inside a longer value: raw AD `Name` / `DistinguishedName`. */
export const EMBEDDED_GUID = /\{([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}/;
export const DN_SHAPE = /(?:^|,)\s*(?:CN|OU|DC)\s*=/i;

/** Header names compared without case, spaces, dashes or underscores. */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Creation times as exports write them, to ISO 8601 (UTC when the text has no offset):
 * ISO (`2024-07-19T08:00:00-00:00`, `2024-07-19 08:00:00`), German `19.07.2024 08:00:00`,
 * US `7/19/2024 8:00:00 AM`. Anything else: null (the row is kept, without a time).
 */
export function parseCreated(text: string | undefined): string | null {
  const value = text?.trim() ?? '';
  if (value === '') return null;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(value);
  if (match) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0', zone] = match;
    const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.floor(Number(`0.${fraction}`) * 1000));
    return iso(base - zoneOffsetMs(zone));
  }
  match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
  if (match) {
    const [, d, mo, y, h = '0', mi = '0', s = '0'] = match;
    return iso(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  }
  match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i.exec(value);
  if (match) {
    const [, mo, d, y, h = '0', mi = '0', s = '0', ampm] = match;
    let hour = Number(h) % (ampm ? 12 : 24);
    if (ampm?.toUpperCase() === 'PM') hour += 12;
    return iso(Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(s)));
  }
  return null;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

function iso(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Graph's volumeType: "1", 1 or "operatingSystemVolume" are the OS volume. */
export function normalizeVolumeType(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const text = String(value).trim();
  const key = text.toLowerCase();
  if (key === '1' || key === 'operatingsystemvolume' || key === 'operatingsystem' || key === 'os' || key === 'operating system') return 'operatingSystemVolume';
  if (key === '2' || key === 'fixeddatavolume' || key === 'fixeddata' || key === 'fixed data') return 'fixedDataVolume';
  if (key === '3' || key === 'removabledatavolume' || key === 'removabledata' || key === 'removable data') return 'removableDataVolume';
  return text.slice(0, 40);
}
