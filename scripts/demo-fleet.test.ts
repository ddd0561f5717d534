import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../server/auth/tokens.js';
import { startServer, type RunningServer } from '../server/start.js';
import { tempDir } from '../test/temp.js';
import { demoFleet, runDemoFleet } from './demo-fleet.js';

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('runDemoFleet (real server, SQLite)', () => {
  it('imports the fleet, seeds history and keeps posting events the server accepts, until stopped', async () => {
    server = await startServer({ dialect: 'sqlite', path: join(tempDir('demo'), 'server.db') }, { port: 0 });
    const admin = await createToken(server.store.db, 'admin', 'demo admin');
    const technician = await createToken(server.store.db, 'technician', 'demo technician');
    const stop = new AbortController();
    const seen: string[] = [];
    const done = runDemoFleet({
      url: server.url,
      adminToken: admin.token,
      technicianToken: technician.token,
      signal: stop.signal,
      machines: 120,
      sites: 6,
      eventsPerSecond: 20,
      historyShare: 0.3,
      log: (line) => seen.push(line),
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stop.abort();
    const result = await done;

    expect(result.imported).toBe(120);
    expect(result.duplicates).toBe(0);
    expect(seen.some((line) => line.includes('now fixing machines live'))).toBe(true);
    const stored = await server.store.db.selectFrom('events').select('id').execute();
    // Every event the server acknowledged is stored, once; and live events came after the history.
    expect(stored.map((e) => e.id).sort()).toEqual([...result.accepted].sort());
    expect(result.history).toBeGreaterThan(0);
    expect(result.accepted.length).toBeGreaterThan(result.history + 5);
    const machines = await server.store.db.selectFrom('machines').select(['site', 'status']).execute();
    expect(machines).toHaveLength(120);
    expect(new Set(machines.map((m) => m.site)).size).toBe(6);
    expect(machines.some((m) => m.status === 'pending')).toBe(true);
    expect(machines.some((m) => m.status === 'fixed')).toBe(true);
  });

  it('names machines by site and spreads them evenly', () => {
    const fleet = demoFleet(2000, 6, () => 0.5);
    expect(new Set(fleet.map((m) => m.hostname)).size).toBe(2000);
    const perSite = new Map<string, number>();
    for (const m of fleet) perSite.set(m.site, (perSite.get(m.site) ?? 0) + 1);
    expect([...perSite.values()].every((n) => n >= 333 && n <= 334)).toBe(true);
  });
});
