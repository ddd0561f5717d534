import type { KeyRecord } from './types.js';

/** Where a conflicting record came from; never its password. */
export interface ConflictSide {
  device: string | null;
  created: string | null;
  source: string;
}

export interface Conflict {
  id: string;
  kept: ConflictSide;
  dropped: ConflictSide;
}

export interface MergeOutcome {
  /** New IDs added. */
  imported: number;
  /** Same ID and same password seen again (collapsed). */
  duplicates: number;
  /** Same ID, different password: the newest by creation time is kept (the first seen on a tie). */
  conflicts: Conflict[];
}

function side(record: KeyRecord): ConflictSide {
  return { device: record.device, created: record.created, source: record.source };
}

/** Missing creation times sort oldest. */
function newer(a: KeyRecord, b: KeyRecord): boolean {
  return (a.created ?? '') > (b.created ?? '');
}

/** Merges incoming records into `into` (keyed by ID), in place. */
export function mergeRecords(into: Map<string, KeyRecord>, incoming: Iterable<KeyRecord>): MergeOutcome {
  const outcome: MergeOutcome = { imported: 0, duplicates: 0, conflicts: [] };
  for (const record of incoming) {
    const existing = into.get(record.id);
    if (!existing) {
      into.set(record.id, record);
      outcome.imported += 1;
    } else if (existing.password === record.password) {
      outcome.duplicates += 1;
      // Fill in what the earlier copy lacked (e.g. a Graph page without device names).
      into.set(record.id, {
        ...existing,
        device: existing.device ?? record.device,
        deviceId: existing.deviceId ?? record.deviceId,
        dn: existing.dn ?? record.dn,
        created: existing.created ?? record.created,
        volumeType: existing.volumeType ?? record.volumeType,
      });
    } else if (newer(record, existing)) {
      into.set(record.id, record);
      outcome.conflicts.push({ id: record.id, kept: side(record), dropped: side(existing) });
    } else {
      outcome.conflicts.push({ id: record.id, kept: side(existing), dropped: side(record) });
    }
  }
  return outcome;
}
