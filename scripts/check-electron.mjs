#!/usr/bin/env node
// `npm run check:electron` (and CI, .ci/run): is the Electron that package.json pins still on
// a supported release line? Electron supports only its three newest major lines; a pinned
// major that has fallen out of them no longer gets Chromium security fixes. The answer is a
// line of text and always exit 0: a warning to act on, never a failed build — and when the
// npm registry cannot be asked, one line saying so.
//
// Decision: the newest stable major is the highest major among the registry's dist-tags for
// `electron` whose version has no prerelease part (alpha, beta and nightly tags are ignored);
// the supported lines are it and the two below it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How many major lines Electron supports at a time. */
export const SUPPORTED_MAJOR_LINES = 3;
/** How long the registry gets to answer. */
export const REGISTRY_TIMEOUT_MS = 20_000;

const VERSION = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The major of a plain version (`45.6.1`, `46.0.0-beta.2`), or null. */
export function majorOf(version) {
  const match = typeof version === 'string' ? VERSION.exec(version.trim()) : null;
  return match ? Number(match[1]) : null;
}

/** The major package.json pins: an exact version or a simple range (`^45.6.1`, `~45.6`, `45.x`), else null. */
export function pinnedMajor(spec) {
  const match = typeof spec === 'string' ? /^\s*[\^~=v]*\s*(\d+)(?:\.(?:\d+|x|\*)){0,2}(-[0-9A-Za-z.-]+)?\s*$/.exec(spec) : null;
  return match ? Number(match[1]) : null;
}

/** True for alpha, beta, nightly and any other prerelease version. */
export function isPrerelease(version) {
  const match = typeof version === 'string' ? VERSION.exec(version.trim()) : null;
  return match !== null && match[4] !== undefined;
}

/** The newest stable version among the dist-tags, or null when there is none. */
export function newestStable(distTags) {
  let best = null;
  for (const version of Object.values(distTags ?? {})) {
    const match = typeof version === 'string' ? VERSION.exec(version.trim()) : null;
    if (!match || match[4] !== undefined) continue;
    const parts = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (best === null || parts[0] > best.parts[0] || (parts[0] === best.parts[0] && (parts[1] > best.parts[1] || (parts[1] === best.parts[1] && parts[2] > best.parts[2])))) {
      best = { version: version.trim(), parts };
    }
  }
  return best?.version ?? null;
}

/** "45, 44 and 43" */
function listOf(majors) {
  return majors.length > 1 ? `${majors.slice(0, -1).join(', ')} and ${majors.at(-1)}` : String(majors[0]);
}

/**
 * What `npm view electron dist-tags --json` printed (its stdout), as a registry answer:
 * `{ ok: true, distTags }`, or `{ ok: false, reason }` for npm's JSON error or anything else.
 */
export function parseRegistryAnswer(stdout) {
  let parsed;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { ok: false, reason: 'npm printed no JSON' };
  }
  if (parsed && typeof parsed === 'object' && parsed.error) {
    return { ok: false, reason: String(parsed.error.code ?? parsed.error.summary ?? 'npm error') };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'npm printed no dist-tags' };
  return { ok: true, distTags: parsed };
}

/**
 * The decision, from the pinned version spec and the registry's answer — no I/O.
 * `status`: `supported`, `unsupported` (the one that warns), `ahead` (pinned newer than the
 * newest stable, e.g. a beta), or `unknown` (registry not reached, or nothing to compare).
 * @param {string | undefined} pinned package.json's version spec for electron
 * @param {{ ok: true, distTags: Record<string, string> } | { ok: false, reason: string }} answer
 * @returns {{ status: 'supported' | 'unsupported' | 'ahead' | 'unknown', message: string, supported?: number[] }}
 */
export function decide(pinned, answer) {
  const major = pinnedMajor(pinned);
  if (major === null) {
    return { status: 'unknown', message: `check:electron: package.json pins no Electron version this can read (${JSON.stringify(pinned ?? null)}); nothing checked.` };
  }
  if (!answer.ok) {
    return { status: 'unknown', message: `check:electron: could not ask the npm registry for Electron's newest release (${answer.reason}); support of the pinned Electron ${pinned} not checked.` };
  }
  const newest = newestStable(answer.distTags);
  if (newest === null) {
    return { status: 'unknown', message: `check:electron: the npm registry lists no stable Electron release; support of the pinned Electron ${pinned} not checked.` };
  }
  const newestMajor = majorOf(newest);
  const supported = Array.from({ length: SUPPORTED_MAJOR_LINES }, (_, i) => newestMajor - i).filter((m) => m > 0);
  const pins = `Electron ${major} (package.json pins ${pinned})`;
  if (major > newestMajor) {
    return { status: 'ahead', supported, message: `check:electron: ${pins} is newer than the newest stable line, ${newestMajor} (${newest}).` };
  }
  if (supported.includes(major)) {
    const left = major === newestMajor
      ? 'the newest'
      : `${newestMajor - major} line${newestMajor - major === 1 ? '' : 's'} behind the newest (${newest}); it falls out of support when Electron ${major + SUPPORTED_MAJOR_LINES} is released`;
    return { status: 'supported', supported, message: `check:electron: ${pins} is supported: Electron's three newest major lines are ${listOf(supported)}; ${major} is ${left}.` };
  }
  return {
    status: 'unsupported',
    supported,
    message:
      `warning: ${pins} is out of support: Electron supports only its three newest major lines, now ${listOf(supported)}. ` +
      `Move to ${newestMajor}.x (see "Electron here and elsewhere" in README.md).`,
  };
}

/** Asks the registry through npm (its registry, proxy and auth settings apply); never throws. */
export function fetchDistTags({ timeoutMs = REGISTRY_TIMEOUT_MS } = {}) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['view', 'electron', 'dist-tags', '--json', '--fetch-retries=0', `--fetch-timeout=${timeoutMs}`];
  return new Promise((resolve) => {
    execFile(npm, args, { timeout: timeoutMs + 5_000, encoding: 'utf8', shell: process.platform === 'win32', windowsHide: true }, (error, stdout) => {
      if (error && error.killed) return resolve({ ok: false, reason: `no answer within ${Math.round(timeoutMs / 1000)} s` });
      if (error && !stdout) return resolve({ ok: false, reason: error.code === 'ENOENT' ? 'npm not found' : `npm exited with ${error.code ?? 'an error'}` });
      resolve(parseRegistryAnswer(stdout));
    });
  });
}

/** Reads the pin, asks, prints one line (a warning on stderr), and resolves with the exit code: always 0. */
export async function checkElectron({
  root = join(dirname(fileURLToPath(import.meta.url)), '..'),
  fetch = fetchDistTags,
  log = (line) => console.log(line),
  warn = (line) => console.warn(line),
} = {}) {
  let pinned;
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    pinned = pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  } catch (error) {
    log(`check:electron: could not read package.json (${error instanceof Error ? error.message : error}); nothing checked.`);
    return 0;
  }
  let answer;
  try {
    answer = await fetch();
  } catch (error) {
    answer = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const result = decide(pinned, answer);
  (result.status === 'unsupported' ? warn : log)(result.message);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await checkElectron();
}
