import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role } from '../../core/backend/schemas.js';
import type { Database } from '../db/schema.js';

/**
 * API tokens: 256 random bits shown once at creation; only their SHA-256 is stored, so a
 * copy of the database gives no way in. A plain hash is enough (no slow KDF): the token is
 * random, not a password a person chose.
 */

export const TOKEN_PREFIX = 'bmt_';

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

export interface Caller {
  tokenId: string;
  name: string;
  role: Role;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export async function createToken(db: Kysely<Database>, role: Role, name: string): Promise<{ token: string; info: TokenInfo }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const info: TokenInfo = { id: randomUUID(), name, role, createdAt: new Date().toISOString(), revokedAt: null };
  await db.insertInto('tokens').values({ id: info.id, name, role, hash: hashToken(token), created_at: info.createdAt, revoked_at: null }).execute();
  return { token, info };
}

export async function listTokens(db: Kysely<Database>): Promise<TokenInfo[]> {
  const rows = await db.selectFrom('tokens').select(['id', 'name', 'role', 'created_at', 'revoked_at']).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role as Role, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Revokes by id or by name (every live token of that name); returns how many were revoked. */
export async function revokeToken(db: Kysely<Database>, idOrName: string): Promise<number> {
  const result = await db
    .updateTable('tokens')
    .set({ revoked_at: new Date().toISOString() })
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Finds the caller of a bearer token. Answers are remembered for a moment so a busy sync
 * does not ask the database on every batch; a revoked token stops working within that moment.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, { caller: Caller | null; until: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cacheMs = 2000,
  ) {}

  async verify(token: string): Promise<Caller | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.caller;
    const row = await this.db.selectFrom('tokens').select(['id', 'name', 'role']).where('hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
    const caller = row ? { tokenId: row.id, name: row.name, role: row.role as Role } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { caller, until: now + this.cacheMs });
    return caller;
  }
}
