import { normalizeKeyId } from '../../core/keys/bitlocker.js';
import type { KeyRecord } from '../../core/keys/importers/types.js';

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
 * In-memory index over the decrypted records. IDs are ordered by the number their first 8
 * hex digits make (what a recovery screen shows), so a prefix lookup is a binary search
 * over a typed array; sorting numbers instead of a million strings builds the index in
 * well under a second. Device names (case-insensitive) map to record positions.
 */
export class KeyIndex {
  private readonly byId = new Map<string, number>();
  private readonly records: KeyRecord[] = [];
  /** First 8 hex digits of records[i].id as a number. */
  private readonly heads: Uint32Array;
  /** Record positions ordered by head, then by full ID. */
  private readonly order: Uint32Array;
  private readonly byDevice = new Map<string, number | number[]>();

  constructor(records: Iterable<KeyRecord>) {
    for (const record of records) {
      const previous = this.byId.get(record.id);
      if (previous !== undefined) this.records[previous] = record; // a repeated ID (never in a saved vault): last wins
      else {
        this.byId.set(record.id, this.records.length);
        this.records.push(record);
      }
    }
    const n = this.records.length;
    this.heads = new Uint32Array(n);
    this.order = new Uint32Array(n);
    for (let i = 0; i < n; i += 1) {
      const record = this.records[i]!;
      this.heads[i] = head(record.id);
      this.order[i] = i;
      if (record.device) {
        const key = record.device.toLowerCase();
        const list = this.byDevice.get(key);
        if (list === undefined) this.byDevice.set(key, i);
        else if (typeof list === 'number') this.byDevice.set(key, [list, i]);
        else list.push(i);
      }
    }
    const heads = this.heads;
    const all = this.records;
    this.order.sort((a, b) => heads[a]! - heads[b]! || (all[a]!.id < all[b]!.id ? -1 : 1));
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): KeyRecord | undefined {
    const at = this.byId.get(id);
    return at === undefined ? undefined : this.records[at];
  }

  get devices(): number {
    return this.byDevice.size;
  }

  /** A key ID (prefix of 8+ hex, or full, any case, braces/dashes optional) or a device name. */
  lookup(query: string): LookupResult {
    const text = query.trim();
    if (text === '') return { kind: 'not-found', message: 'Type the key ID shown on the recovery screen (8 or more characters) or a device name.' };
    const parsed = normalizeKeyId(text);
    let found: KeyRecord[] = [];
    let via: 'id' | 'device' = 'id';
    if (parsed.ok) {
      if ('full' in parsed) {
        const record = this.get(parsed.full);
        if (record) found = [record];
      } else found = this.prefixRange(parsed.prefix);
    }
    if (found.length === 0) {
      const hit = this.byDevice.get(text.toLowerCase());
      found = hit === undefined ? [] : typeof hit === 'number' ? [this.records[hit]!] : hit.map((i) => this.records[i]!);
      via = 'device';
    }
    if (found.length === 1) return { kind: 'found', key: summarize(found[0]!) };
    if (found.length === 0) {
      const hint = !parsed.ok && /^[\s{}0-9a-f-]+$/i.test(text) ? ` ${parsed.reason}` : '';
      return { kind: 'not-found', message: `No key in this vault matches that key ID or device name.${hint}` };
    }
    const candidates = found.slice(0, MAX_CANDIDATES).map(summarize);
    return {
      kind: 'ambiguous',
      candidates,
      total: found.length,
      message: via === 'device'
        ? `That device has ${found.length} keys: type the key ID shown on the recovery screen.`
        : `${found.length} keys start with that ID: type more characters of the key ID.`,
    };
  }

  /** Canonical prefix of 8+ characters (its first 8 are hex digits). */
  private prefixRange(prefix: string): KeyRecord[] {
    const wanted = head(prefix);
    const { heads, order } = this;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (heads[order[mid]!]! < wanted) lo = mid + 1;
      else hi = mid;
    }
    const found: KeyRecord[] = [];
    for (let i = lo; i < order.length && heads[order[i]!] === wanted; i += 1) {
      const record = this.records[order[i]!]!;
      if (record.id.startsWith(prefix)) found.push(record);
    }
    return found;
  }
}

/** The first 8 hex digits of a canonical ID or prefix as an unsigned 32-bit number. */
function head(id: string): number {
  let value = 0;
  for (let i = 0; i < 8; i += 1) {
    const c = id.charCodeAt(i);
    value = value * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return value;
}
