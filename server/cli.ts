import { parseArgs } from 'node:util';
import { RoleSchema } from '../core/backend/schemas.js';
import { createToken, listTokens, revokeToken } from './auth/tokens.js';
import { defaultDatabasePath } from './data-dir.js';
import { describeDb, openStore, parseDbSpec } from './db/connect.js';
import { startServer } from './start.js';
import { MasterKey } from './escrow/seal.js';

/** `bootmend-server`: serve API v1, or manage its tokens. Exit codes: 0 done, 1 failed, 64 wrong usage. */

const USAGE = `Usage:
  bootmend-server [--db sqlite:PATH|postgres://…] [--port N] [--host 127.0.0.1] [--master-key-file FILE] [--trust-proxy ADDRS]
  bootmend-server token create [--db …] --role technician|helpdesk|admin --name NAME
  bootmend-server token list [--db …] [--json]
  bootmend-server token revoke [--db …] ID|NAME

--db defaults to DATABASE_URL, else SQLite in Bootmend's data folder (BOOTMEND_DATA_DIR).
--port defaults to 8040 (0 picks a free one); --host to 127.0.0.1 (0.0.0.0 to serve the network).
--master-key-file (or BOOTMEND_MASTER_KEY_FILE, BOOTMEND_MASTER_KEY) turns key escrow on: 32 bytes as base64
(head -c 32 /dev/urandom | base64 > master.key); recovery passwords are stored encrypted under it.
--trust-proxy (or BOOTMEND_TRUST_PROXY): the reverse proxies in front of the server (addresses or CIDRs,
comma-separated, e.g. 10.0.0.5 or 10.0.0.0/24) whose X-Forwarded-Proto and X-Forwarded-Host are believed,
so links the server builds (the printable report's style sheet) use the address the browser used.
The token is printed once, on stdout; only its hash is stored.`;

export const DEFAULT_PORT = 8040;

class UsageError extends Error {}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'master-key-file': { type: 'string' },
        'trust-proxy': { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`bootmend-server: ${(error as Error).message}\n\n${USAGE}`);
    return 64;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  try {
    const spec = parseDbSpec(values.db, env, defaultDatabasePath(env));
    if (positionals[0] === 'token') return await tokenCommand(positionals.slice(1), values, spec);
    if (positionals.length > 0) throw new UsageError(`unknown command "${positionals[0]}"`);
    const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a number from 0 to 65535');
    const masterKey = MasterKey.fromConfig(values['master-key-file'], env);
    const trustProxy = (values['trust-proxy'] ?? env.BOOTMEND_TRUST_PROXY ?? '').trim();
    if (values['trust-proxy'] !== undefined && trustProxy === '') throw new UsageError('--trust-proxy takes the proxies\' addresses or CIDRs, comma-separated');
    const server = await startServer(spec, { port, host: values.host ?? '127.0.0.1', masterKey, ...(trustProxy ? { trustProxy } : {}) });
    out(`BOOTMEND_SERVER_URL=${server.url}`);
    console.error(`Bootmend server on ${server.url} over ${describeDb(spec)}${masterKey ? ', key escrow on' : ', key escrow off (no master key)'}. Make a token with \`bootmend-server token create --role helpdesk --name NAME\`; press Ctrl+C to stop.`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`bootmend-server: ${error.message}\n\n${USAGE}`);
      return 64;
    }
    console.error(`bootmend-server: ${(error as Error).message}`);
    return 1;
  }
}

async function tokenCommand(args: string[], values: { role?: string | undefined; name?: string | undefined; json?: boolean | undefined }, spec: ReturnType<typeof parseDbSpec>): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') throw new UsageError('token takes create, list or revoke');
  if (sub === 'create') {
    const role = RoleSchema.safeParse(values.role);
    if (!role.success) throw new UsageError('token create needs --role technician, helpdesk or admin');
    const name = values.name?.trim();
    if (!name || name.length > 200) throw new UsageError('token create needs --name NAME (who or what holds the token, up to 200 characters)');
    const store = await openStore(spec);
    try {
      const { token, info } = await createToken(store.db, role.data, name);
      out(token);
      console.error(`Token ${info.id} for ${name} (${info.role}) made in ${describeDb(spec)}. It is shown only this once; revoke it with \`bootmend-server token revoke ${info.id}\`.`);
    } finally {
      await store.close();
    }
    return 0;
  }
  const store = await openStore(spec);
  try {
    if (sub === 'list') {
      const tokens = await listTokens(store.db);
      if (values.json) out(JSON.stringify({ tokens }));
      else if (tokens.length === 0) out('No tokens yet; make one with `bootmend-server token create --role … --name …`.');
      else for (const t of tokens) out(`${t.id}  ${t.role.padEnd(10)}  ${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'.padEnd(32)}  ${t.name}`);
      return 0;
    }
    if (rest.length !== 1) throw new UsageError('token revoke takes one token id or name');
    const count = await revokeToken(store.db, rest[0]!);
    if (count === 0) {
      console.error(`bootmend-server: no active token has the id or name "${rest[0]}"; \`bootmend-server token list\` shows them.`);
      return 1;
    }
    console.error(`Revoked ${count} token${count === 1 ? '' : 's'}; running servers refuse ${count === 1 ? 'it' : 'them'} within 2 seconds.`);
    return 0;
  } finally {
    await store.close();
  }
}
