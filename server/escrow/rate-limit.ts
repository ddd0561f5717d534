import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Key lookups per token in a sliding minute, so a stolen technician token cannot walk the
 * escrow. Counted from the audit (every lookup is an entry), not in memory: instances sharing
 * one database share the limit, whichever of them a balancer sends each request to. Two
 * lookups racing on two instances may both pass at the limit's edge; the audit records both.
 * Refused tries do not count, so a client that waits as told gets through.
 * Returns the seconds to wait when over the limit, else 0.
 */
export async function lookupWait(db: Kysely<Database>, tokenId: string, perMinute: number, now = Date.now()): Promise<number> {
  const recent = await db
    .selectFrom('audit')
    .select('at')
    .where('token_id', '=', tokenId)
    .where('at', '>', new Date(now - 60_000).toISOString())
    .where('action', '=', 'keys.lookup')
    .where('result', '<>', 'rate_limited')
    .orderBy('at', 'desc')
    .limit(perMinute)
    .execute();
  if (recent.length < perMinute) return 0;
  const oldestCounted = Date.parse(recent.at(-1)!.at);
  return Math.max(1, Math.ceil((oldestCounted + 60_000 - now) / 1000));
}
