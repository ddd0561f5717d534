import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it, onTestFinished } from 'vitest';
import type { Summary } from '../core/backend/schemas.js';
import { childUrl } from '../test/child-url.js';
import { tempDir } from '../test/temp.js';

const SCRIPT = fileURLToPath(new URL('./embedded-backend.ts', import.meta.url));

it('`npm run demo`: the embedded backend prints a signed-in dashboard link and its simulated fleet moves while you watch', async () => {
  // Started as scripts/start.mjs starts it for `npm run demo`: its stdin a pipe from the parent, whose end stops it.
  // Its own temp folder, to see what the demo leaves there.
  const tmp = tempDir('demo-tmp');
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--demo'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  onTestFinished(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  const link = new URL(await childUrl(child, 'BOOTMEND_HELPDESK_URL', { what: 'the embedded backend', timeoutMs: 60_000, stderr: () => stderr }));
  const token = decodeURIComponent(/^#token=(.+)$/.exec(link.hash)![1]!);
  expect(token).toMatch(/^bmt_/);
  const summary = async (): Promise<Summary> => {
    const res = await fetch(new URL('/api/v1/summary', link), { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Summary;
  };
  const worked = (s: Summary) => s.total - s.byStatus.pending;
  // The fleet is imported and part of its history seeded, then machines keep being worked on.
  let first: Summary | null = null;
  for (let i = 0; i < 60 && !(first && first.total > 0 && worked(first) > 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    first = await summary();
  }
  expect(first!.total).toBeGreaterThanOrEqual(1000);
  let later = first!;
  for (let i = 0; i < 40 && worked(later) <= worked(first!); i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    later = await summary();
  }
  expect(worked(later)).toBeGreaterThan(worked(first!));
  const dashboard = await fetch(new URL('/', link));
  expect([200, 503]).toContain(dashboard.status);

  // Stopped as start.mjs stops it (stdin ends): the demo's throw-away database goes with it.
  expect(readdirSync(tmp).filter((name) => name.startsWith('bootmend-demo-'))).toHaveLength(1);
  child.stdin.end();
  expect(await exited).toBe(0);
  expect(readdirSync(tmp).filter((name) => name.startsWith('bootmend-demo-'))).toEqual([]);
}, 90_000);
