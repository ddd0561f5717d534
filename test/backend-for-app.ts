import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { Role } from '../core/backend/schemas.js';
import { createToken } from '../server/auth/tokens.js';
import { MasterKey } from '../server/escrow/seal.js';
import { startServer } from '../server/start.js';
import { tempDir } from './temp.js';

/**
 * A real backend (server/) for the technician app's tests: listening on 127.0.0.1 at a free
 * port over a fresh SQLite file, key escrow on, one token per role; closed when the test ends.
 * `fleet(csv)` and `keys(csv)` load it through its own API, as the helpdesk and an admin would.
 */
export interface AppBackend {
  url: string;
  tokens: Record<Role, string>;
  fleet(csv: string): Promise<void>;
  keys(csv: string): Promise<void>;
  /** The escrow audit as the helpdesk reads it. */
  audit(): Promise<{ action: string; result: string; keyId: string | null; machine: string | null; reason: string | null }[]>;
}

export async function startAppBackend(): Promise<AppBackend> {
  const masterKey = MasterKey.fromBytes(Buffer.from(randomBytes(32).toString('base64')), 'test');
  const running = await startServer({ dialect: 'sqlite', path: join(tempDir('app-backend'), 'server.db') }, { masterKey, port: 0, host: '127.0.0.1', log: () => undefined });
  onTestFinished(() => running.close());
  const tokens = {} as Record<Role, string>;
  for (const role of ['technician', 'helpdesk', 'admin'] as const) tokens[role] = (await createToken(running.store.db, role, `test ${role}`)).token;
  const post = async (path: string, role: Role, csv: string): Promise<void> => {
    const res = await fetch(`${running.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'text/csv' }, body: csv });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  };
  return {
    url: running.url,
    tokens,
    fleet: (csv) => post('/api/v1/fleet/import', 'helpdesk', csv),
    keys: (csv) => post('/api/v1/keys/import?name=keys.csv', 'admin', csv),
    async audit() {
      const res = await fetch(`${running.url}/api/v1/audit`, { headers: { authorization: `Bearer ${tokens.helpdesk}` } });
      return ((await res.json()) as { entries: Awaited<ReturnType<AppBackend['audit']>> }).entries;
    },
  };
}
