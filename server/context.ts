import type { Kysely } from 'kysely';
import type { DbSpec } from './db/connect.js';
import type { Database } from './db/schema.js';
import type { ChangeFeed } from './stream/feed.js';

/** What every route factory is given: the database and the live change feed. */
export interface ServerContext {
  db: Kysely<Database>;
  spec: DbSpec;
  feed: ChangeFeed;
}
