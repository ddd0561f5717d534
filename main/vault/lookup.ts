import { normalizeKeyId } from '../../core/bitlocker.js';
import type { KeyRecord } from './importers/types.js';

/** What lookups show: never the password (that takes an explicit, audited reveal). */
export interface KeySummary {
  id: string;
  device: string | null;
  created: string | null;
  volumeType: string | null;
}

export type LookupResult =
  | { kind: 'found'; key: KeySummary }
  | { kind: 'not-found'; message: string }
  | { kind: 'ambiguous'; candidates: KeySummary[]; total: number; message: string };

export const MAX_CANDIDATES = 20;

export function summarize(record: KeyRecord): KeySummary {
  return { id: record.id, device: record.device, created: record.created, volumeType: record.volumeType };
}

/**
 * In-memory index over the decrypted records: IDs sorted for prefix search by binary
 * search (O(log n) for the 8 characters a recovery screen shows), device names in a map.
 */
export class KeyIndex {
  private readonly byId = new Map<string, KeyRecord>();
  private readonly sortedIds: string[];
  private readonly byDevice = new Map<string, string[]>();

  constructor(records: Iterable<KeyRecord>) {
    for (const record of records) {
      this.byId.set(record.id, record);
      if (record.device) {
        const key = record.device.toLowerCase();
        const list = this.byDevice.get(key);
        if (list) list.push(record.id);
        else this.byDevice.set(key, [record.id]);
      }
    }
    this.sortedIds = [...this.byId.keys()].sort();
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): KeyRecord | undefined {
    return this.byId.get(id);
  }

  get devices(): number {
    return this.byDevice.size;
  }

  /** A key ID (prefix of 8+ hex, or full, any case, braces/dashes optional) or a device name. */
  lookup(query: string): LookupResult {
    const text = query.trim();
    if (text === '') return { kind: 'not-found', message: 'Type the key ID shown on the recovery screen (8 or more characters) or a device name.' };
    const parsed = normalizeKeyId(text);
    let ids: string[] = [];
    let via: 'id' | 'device' = 'id';
    if (parsed.ok) ids = 'full' in parsed ? (this.byId.has(parsed.full) ? [parsed.full] : []) : this.prefixRange(parsed.prefix);
    if (ids.length === 0) {
      ids = this.byDevice.get(text.toLowerCase()) ?? [];
      via = 'device';
    }
    if (ids.length === 1) return { kind: 'found', key: summarize(this.byId.get(ids[0]!)!) };
    if (ids.length === 0) {
      const hint = !parsed.ok && /^[\s{}0-9a-f-]+$/i.test(text) ? ` ${parsed.reason}` : '';
      return { kind: 'not-found', message: `No key in this vault matches that key ID or device name.${hint}` };
    }
    const candidates = ids.slice(0, MAX_CANDIDATES).map((id) => summarize(this.byId.get(id)!));
    return {
      kind: 'ambiguous',
      candidates,
      total: ids.length,
      message: via === 'device'
        ? `That device has ${ids.length} keys: type the key ID shown on the recovery screen.`
        : `${ids.length} keys start with that ID: type more characters of the key ID.`,
    };
  }

  private prefixRange(prefix: string): string[] {
    const ids = this.sortedIds;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: string[] = [];
    for (let i = lo; i < ids.length && ids[i]!.startsWith(prefix); i += 1) found.push(ids[i]!);
    return found;
  }
}
