import { sql } from 'kysely';
import { z } from 'zod';
import { normalizeKeyId } from '../../core/keys/bitlocker.js';
import { mergeRecords, parseExportText, type KeyRecord } from '../../core/keys/importers/index.js';
import { FORMAT_OPTIONS, type FormatOption } from '../../core/keys/importers/types.js';
import { helpdeskContract } from '../../core/backend/helpdesk-contract.js';
import { BootmendError } from '../../core/errors.js';
import type { Caller } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import { inTransaction } from '../db/transaction.js';
import { defineRoute, type Route } from '../http/route.js';
import type { MasterKey } from './seal.js';
import { lookupWait } from './rate-limit.js';

export const KeyImportResultSchema = z.object({
  layout: z.string(),
  imported: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  /** Rows left out, by line, with what is wrong: never the row itself. */
  rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  /** Rows that repeat a key ID with the same password (collapsed, as the vault does). */
  duplicates: z.number().int().nonnegative(),
  /** One key ID with two different passwords in the file: the newest row is kept, the other named (file:line), never a password. */
  conflicts: z.array(z.object({ keyId: z.string(), kept: z.string(), dropped: z.string() })),
});

export const KeyLookupRequestSchema = z
  .object({
    /** The key ID as the recovery screen shows it: its first 8 characters or more. */
    keyId: z.string().trim().min(1).max(60),
    /** The machine the technician is at (its hostname). */
    machine: z.string().trim().min(1).max(63),
    reason: z.string().trim().min(3).max(500),
  })
  .strict();

const KeyFacts = { keyId: z.string(), device: z.string().nullable(), created: z.string().nullable(), volumeType: z.string().nullable() };
export const KeyLookupResultSchema = z.discriminatedUnion('match', [
  z.object({ match: z.literal('one'), key: z.object({ ...KeyFacts, password: z.string() }) }),
  /** Several keys start so: their IDs and devices, no password; ask again with more of the ID. */
  z.object({ match: z.literal('ambiguous'), candidates: z.array(z.object(KeyFacts)) }),
]);

const MAX_CANDIDATES = 20;

function needKey(masterKey: MasterKey | null): MasterKey {
  if (!masterKey) throw new BootmendError('UNAVAILABLE', 'Key escrow is off on this server: start it with --master-key-file FILE (or BOOTMEND_MASTER_KEY_FILE / BOOTMEND_MASTER_KEY).');
  return masterKey;
}

export function escrowRoutes(ctx: ServerContext, options: { masterKey: MasterKey | null; lookupsPerMinute?: number }): Route[] {
  const perMinute = options.lookupsPerMinute ?? 20;
  const audit = async (caller: Caller, entry: { action: string; keyId?: string | null; machine?: string | null; reason?: string | null; result: string }): Promise<void> => {
    await ctx.db
      .insertInto('audit')
      .values({ at: new Date().toISOString(), actor: caller.name, role: caller.role, token_id: caller.tokenId, action: entry.action, key_id: entry.keyId ?? null, machine: entry.machine ?? null, reason: entry.reason ?? null, result: entry.result })
      .execute();
    // The entry is stored; a dashboard that misses this nudge reads the audit again on its next change.
    await ctx.feed.publishAudit().catch((error: unknown) => console.error(`bootmend-server: live stream notification failed: ${error instanceof Error ? error.message : String(error)}`));
  };

  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/keys/import',
      summary: 'Imports BitLocker recovery keys from the same export layouts as the vault (AD, Entra/Intune, MBAM, Graph JSON, Id,Key CSV); passwords are encrypted under the master key before they are stored. `format` forces a layout, `name` names the file in rejections.',
      roles: ['admin'],
      query: z.object({ format: z.enum(FORMAT_OPTIONS as [FormatOption, ...FormatOption[]]).default('auto'), name: z.string().trim().min(1).max(200).default('upload') }).strict(),
      bodyDoc: z.string(),
      consumes: ['text/csv', 'application/json'],
      rawJson: true,
      bodyLimit: 256 * 1024 * 1024,
      response: KeyImportResultSchema,
      handler: async ({ request, query, caller }) => {
        const key = needKey(options.masterKey);
        const text = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
        const parsed = parseExportText(text, query.name, { format: query.format });
        if (!parsed.ok) throw new BootmendError('INVALID_INPUT', parsed.reason);
        const { rejected, layout, rows } = parsed.result;
        // One key ID twice in a file (Entra lists a key per device record) is merged as the vault merges it;
        // PostgreSQL also refuses to upsert one key twice in a statement.
        const merged = new Map<string, KeyRecord>();
        const outcome = mergeRecords(merged, parsed.result.records);
        const records = [...merged.values()];
        const now = new Date().toISOString();
        for (let start = 0; start < records.length; start += 500) {
          const chunk = records.slice(start, start + 500);
          await inTransaction(ctx.db, (trx) =>
            trx
              .insertInto('recovery_keys')
              .values(chunk.map((r) => ({ key_id: r.id, device: r.device, device_id: r.deviceId, created: r.created, volume_type: r.volumeType, source: r.source, sealed: key.seal(r.password, r.id), imported_at: now })))
              .onConflict((oc) =>
                oc.column('key_id').doUpdateSet({
                  sealed: sql`excluded.sealed`,
                  device: sql`coalesce(excluded.device, recovery_keys.device)`,
                  device_id: sql`coalesce(excluded.device_id, recovery_keys.device_id)`,
                  created: sql`coalesce(excluded.created, recovery_keys.created)`,
                  volume_type: sql`coalesce(excluded.volume_type, recovery_keys.volume_type)`,
                  source: sql`excluded.source`,
                  imported_at: sql`excluded.imported_at`,
                }),
              )
              .execute(),
          );
        }
        await audit(caller, { action: 'keys.import', reason: `${records.length} key${records.length === 1 ? '' : 's'} from ${query.name} (${layout})`, result: 'imported' });
        return {
          layout,
          imported: records.length,
          rows,
          rejected: rejected.slice(0, 1000).map((r) => ({ line: r.line, reason: r.reason })),
          duplicates: outcome.duplicates,
          conflicts: outcome.conflicts.slice(0, 1000).map((c) => ({ keyId: c.id, kept: c.kept.source, dropped: c.dropped.source })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/keys/lookup',
      summary: "Finds a recovery password by the key ID's first 8+ characters for the machine the technician is at, with a reason; every lookup is audited. Several matches answer the candidates without passwords. Rate-limited per token (429).",
      roles: ['technician'],
      body: KeyLookupRequestSchema,
      response: KeyLookupResultSchema,
      handler: async ({ body, caller, reply }) => {
        const key = needKey(options.masterKey);
        const typed = normalizeKeyId(body.keyId);
        if (!typed.ok) throw new BootmendError('INVALID_INPUT', typed.reason, { field: 'keyId' });
        const shown = 'full' in typed ? typed.full : typed.prefix;
        const wait = await lookupWait(ctx.db, caller.tokenId, perMinute);
        if (wait > 0) {
          await audit(caller, { action: 'keys.lookup', keyId: shown, machine: body.machine, reason: body.reason, result: 'rate_limited' });
          void reply.header('retry-after', String(wait)).code(429);
          throw Object.assign(new BootmendError('UNAVAILABLE', `Too many key lookups with this token (${perMinute} a minute); try again in ${wait} s.`), { httpStatus: 429, retryAfter: wait });
        }
        const rows = await ctx.db
          .selectFrom('recovery_keys')
          .select(['key_id', 'device', 'created', 'volume_type', 'sealed'])
          .where('key_id', 'like', `${shown}%`)
          .orderBy('key_id')
          .limit(MAX_CANDIDATES + 1)
          .execute();
        if (rows.length === 0) {
          await audit(caller, { action: 'keys.lookup', keyId: shown, machine: body.machine, reason: body.reason, result: 'not_found' });
          throw new BootmendError('NOT_FOUND', `No escrowed key ID starts with ${shown}; check the ID on the recovery screen.`, { field: 'keyId' });
        }
        const facts = (r: (typeof rows)[number]) => ({ keyId: r.key_id, device: r.device, created: r.created, volumeType: r.volume_type });
        if (rows.length > 1) {
          await audit(caller, { action: 'keys.lookup', keyId: shown, machine: body.machine, reason: body.reason, result: 'ambiguous' });
          return { match: 'ambiguous' as const, candidates: rows.slice(0, MAX_CANDIDATES).map(facts) };
        }
        const row = rows[0]!;
        let password: string;
        try {
          password = key.open(row.sealed, row.key_id);
        } catch {
          // Audited as what happened: nothing was shown. The usual cause is a server restarted with another master key.
          await audit(caller, { action: 'keys.lookup', keyId: row.key_id, machine: body.machine, reason: body.reason, result: 'unreadable' });
          throw new BootmendError('UNAVAILABLE', `The escrowed password of key ${row.key_id} cannot be opened with this server's master key: it was imported under another one. Start the server with the master key the keys were imported under, or import them again.`);
        }
        await audit(caller, { action: 'keys.lookup', keyId: row.key_id, machine: body.machine, reason: body.reason, result: 'revealed' });
        return { match: 'one' as const, key: { ...facts(row), password } };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit',
      summary: 'The escrow audit, newest first: every key import and lookup (who, which key ID, which machine, why, what came of it). Never a password.',
      roles: ['helpdesk', 'admin'],
      query: helpdeskContract.listAudit.input,
      response: helpdeskContract.listAudit.output,
      handler: async ({ query }) => {
        let q = ctx.db.selectFrom('audit').selectAll();
        if (query.before !== undefined) q = q.where('seq', '<', query.before);
        const rows = await q.orderBy('seq', 'desc').limit(query.limit + 1).execute();
        const page = rows.slice(0, query.limit);
        return {
          entries: page.map((r) => ({ seq: Number(r.seq), at: r.at, actor: r.actor, role: r.role, action: r.action, keyId: r.key_id, machine: r.machine, reason: r.reason, result: r.result })),
          nextBefore: rows.length > query.limit ? Number(page.at(-1)!.seq) : null,
        };
      },
    }),
  ];
}
