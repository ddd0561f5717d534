import { readFileSync, statSync } from 'node:fs';
import { openJournal } from '../main/journal/journal.js';
import { KeyIndex } from '../main/keys/lookup.js';
import { VaultSession } from '../main/keys/session.js';
import { openVault, passphraseKeySource } from '../main/keys/store.js';

/**
 * One Bootmend key-vault job in its own process, so its peak RSS (VmHWM) is Bootmend's alone.
 *   node keys-worker.mjs import <csv> <vault> <journal>      → {ms, vmHwmKiB, vaultBytes, imported, rejected}
 *   node keys-worker.mjs lookup <vault> <queries.json>       → {openMs, indexMs, p50Us, p99Us, maxUs, found, vmHwmKiB}
 * The passphrase comes from BOOTMEND_VAULT_PASSPHRASE, as for the CLI.
 */

function vmHwmKiB(): number | null {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return hwm ? Number(hwm) : null;
}

const [mode, a, b, c] = process.argv.slice(2);
const passphrase = process.env.BOOTMEND_VAULT_PASSPHRASE ?? '';
if (mode === 'import' && a && b && c) {
  // The import `bootmend keys import` runs (through the API's unlockVault + importKeys): the vault session's.
  const started = performance.now();
  const session = new VaultSession({ vaultPath: b, journal: openJournal(c), autoLockMinutes: null });
  const json = await session.unlock({ passphrase, create: true }).then(() => session.import({ sources: [{ path: a }] })).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
  const ms = performance.now() - started;
  console.log(JSON.stringify({ ms, vmHwmKiB: vmHwmKiB(), vaultBytes: statSync(b).size, imported: json.imported, duplicates: json.duplicates, rejected: json.rejected.length }));
} else if (mode === 'lookup' && a && b) {
  const queries = JSON.parse(readFileSync(b, 'utf8')) as string[];
  let started = performance.now();
  const vault = await openVault(a, passphraseKeySource(passphrase));
  const openMs = performance.now() - started;
  started = performance.now();
  const index = new KeyIndex(vault.records);
  const indexMs = performance.now() - started;
  const times: number[] = [];
  let found = 0;
  for (const query of queries) {
    const t0 = performance.now();
    const result = index.lookup(query);
    times.push((performance.now() - t0) * 1000);
    if (result.kind !== 'not-found') found += 1;
  }
  times.sort((x, y) => x - y);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  console.log(JSON.stringify({ openMs, indexMs, p50Us: at(0.5), p99Us: at(0.99), maxUs: at(1), found, total: queries.length, vmHwmKiB: vmHwmKiB() }));
} else {
  console.error('usage: keys-worker import <csv> <vault> <journal> | lookup <vault> <queries.json>');
  process.exit(2);
}
