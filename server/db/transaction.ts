import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** PostgreSQL's "try again" answers: a deadlock or a serialization failure between concurrent batches. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Runs `work` in one transaction, again (a few times) when PostgreSQL picked it as the loser
 * of a deadlock: two technicians' retried batches touching the same machines in another order
 * must both land rather than one getting a 500.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 5 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}
