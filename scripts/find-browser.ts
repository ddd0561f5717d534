// Which Chromium the Playwright e2e drives (e2e/global-setup.ts, e2e/fixtures.ts), in this order:
//   1. BOOTMEND_CHROMIUM, an explicit path (set but not executable is an error, never skipped);
//   2. a system Chromium or Chrome at its usual place for this OS, or by name on PATH;
//   3. Playwright's own Chromium, where `npx playwright install chromium` has put it;
//   4. the Chromium that the npm package @sparticuz/chromium ships inside its tarball (Linux x64).
// The decision takes every machine lookup injected (BrowserLookup), so its order is unit-tested
// without the real machine (scripts/find-browser.test.ts); machineLookup() is the real one.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Step 4's package. Why this one: of the npm packages that carry a Chromium, it is the one whose
 * tarball holds the binary itself (bin/chromium.br, brotli; Chromium 147 headless shell for Linux
 * x64, 68 MB download, MIT) instead of downloading it in an install script, which fails on machines
 * that reach only the npm registry (puppeteer, playwright-chromium, @playwright/browser-chromium,
 * chromium-binary all download). It needs only glibc, NSS/NSPR and expat from the system. 147.0.0
 * is its newest release whose `engines` accepts Node 20 (147.0.1 and later want Node 22.17).
 *
 * Why fetched lazily (by the e2e global setup, only when steps 1–3 found nothing) rather than
 * listed in optionalDependencies: npm would then download and unpack those 68 MB (73 MB in
 * node_modules) on every `npm install` everywhere — on machines with a system Chromium, and on
 * macOS, Windows and arm64, where the package has no usable binary (it declares no os/cpu, so npm
 * cannot skip it) — while a lazy fetch costs nothing where a browser exists, and nothing is ever
 * added to package.json, so `npm install` cannot fail because of it. It goes through the npm
 * client (`npm install --prefix`), so the registry, proxy and cache settings of the machine apply.
 * Measured here: 7–9 s once (npm install ~5 s, unpacking ~3 s), then 203 MB in node_modules/.cache.
 */
export const NPM_CHROMIUM = { name: '@sparticuz/chromium', version: '147.0.0' } as const;
const NPM_CHROMIUM_SPEC = `${NPM_CHROMIUM.name}@${NPM_CHROMIUM.version}`;

/** Set by e2e/global-setup.ts to the chosen binary; the test workers (e2e/fixtures.ts) inherit it. */
export const CHOSEN_BROWSER_ENV = 'BOOTMEND_E2E_CHOSEN_BROWSER';

export type BrowserSource = 'env' | 'system' | 'playwright' | 'npm';

export interface FoundBrowser {
  path: string;
  source: BrowserSource;
  /** Where it came from, for the log line: "system Chromium", "npm package @sparticuz/chromium@147.0.0"… */
  from: string;
}

/** The npm registry's Chromium (step 4). */
export interface NpmChromium {
  /** The binary unpacked by an earlier run, if it is there. */
  cached(): string | undefined;
  /** Installs the package and unpacks its binary; resolves to the binary or rejects saying why. Absent: use only the cached one. */
  fetch?: () => Promise<string>;
}

/** Everything the decision reads from the machine. */
export interface BrowserLookup {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  arch: string;
  /** An existing regular file this process may execute (a device such as /dev/null is not). */
  isExecutable(file: string): boolean;
  /** Playwright's own Chromium (`chromium.executablePath()`), downloaded or not; may throw where Playwright has none for this OS. */
  playwrightExecutablePath(): string;
  npmChromium?: NpmChromium;
}

/** Why no browser could be used; its message is the one sentence the e2e run fails with. */
export class BrowserNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserNotFoundError';
    // Playwright prints a failed global setup's stack; the sentence is the whole story.
    this.stack = `${this.name}: ${message}`;
  }
}

/** Environment variables are case-insensitive on Windows (Path, ProgramFiles). */
function envValue(env: BrowserLookup['env'], name: string): string | undefined {
  if (env[name] !== undefined) return env[name];
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : env[key];
}

/** Step 2's fixed places for this OS, in order, and the names looked up on PATH. */
export function systemCandidates(platform: NodeJS.Platform, env: BrowserLookup['env']): { paths: string[]; names: string[] } {
  if (platform === 'win32') {
    const bases = ['PROGRAMFILES', 'PROGRAMFILES(X86)', 'LOCALAPPDATA'].map((v) => envValue(env, v)).filter((v): v is string => !!v);
    const local = envValue(env, 'LOCALAPPDATA');
    return {
      paths: [
        ...bases.map((base) => path.win32.join(base, 'Google', 'Chrome', 'Application', 'chrome.exe')),
        ...(local ? [path.win32.join(local, 'Chromium', 'Application', 'chrome.exe')] : []),
      ],
      names: ['chrome.exe', 'chromium.exe'],
    };
  }
  if (platform === 'darwin') {
    const apps = ['/Applications'];
    const home = envValue(env, 'HOME');
    if (home) apps.push(path.posix.join(home, 'Applications'));
    return {
      paths: apps.flatMap((dir) => [
        path.posix.join(dir, 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome'),
        path.posix.join(dir, 'Chromium.app', 'Contents', 'MacOS', 'Chromium'),
      ]),
      names: ['chromium', 'google-chrome'],
    };
  }
  return {
    paths: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'],
    names: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'],
  };
}

function systemLabel(file: string): string {
  const name = file.toLowerCase().split(/[\\/]/).pop() ?? '';
  return name.includes('chrome') && !file.toLowerCase().includes('chromium') ? 'system Chrome' : 'system Chromium';
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** Chooses the browser (steps 1–4 above); rejects with a BrowserNotFoundError whose message is one sentence. */
export async function findBrowser(lookup: BrowserLookup): Promise<FoundBrowser> {
  const looked: string[] = [];

  const explicit = envValue(lookup.env, 'BOOTMEND_CHROMIUM');
  if (explicit) {
    if (lookup.isExecutable(explicit)) return { path: explicit, source: 'env', from: 'BOOTMEND_CHROMIUM' };
    throw new BrowserNotFoundError(
      `BOOTMEND_CHROMIUM is set to ${explicit}, which is not an executable file: point BOOTMEND_CHROMIUM at a Chromium or Chrome binary, or unset it to let the e2e look for one.`,
    );
  }
  looked.push('BOOTMEND_CHROMIUM (unset)');

  const { paths, names } = systemCandidates(lookup.platform, lookup.env);
  for (const file of paths) {
    if (lookup.isExecutable(file)) return { path: file, source: 'system', from: systemLabel(file) };
  }
  const pathModule = lookup.platform === 'win32' ? path.win32 : path.posix;
  const dirs = (envValue(lookup.env, 'PATH') ?? '').split(lookup.platform === 'win32' ? ';' : ':').filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const file = pathModule.join(dir, name);
      if (lookup.isExecutable(file)) return { path: file, source: 'system', from: `${systemLabel(file)} on PATH` };
    }
  }
  looked.push(...paths, `${names.join('/')} on PATH`);

  let playwrightPath: string | undefined;
  let playwrightWhy = 'not downloaded';
  try {
    playwrightPath = lookup.playwrightExecutablePath();
  } catch (error) {
    playwrightWhy = `none for this platform: ${firstLine(error)}`;
  }
  if (playwrightPath && lookup.isExecutable(playwrightPath)) return { path: playwrightPath, source: 'playwright', from: "Playwright's Chromium" };
  looked.push(`Playwright's Chromium (${playwrightPath ? `${playwrightPath}, ${playwrightWhy}` : playwrightWhy})`);

  const npmFrom = `npm package ${NPM_CHROMIUM_SPEC}`;
  let npmWhy: string;
  if (lookup.platform !== 'linux' || lookup.arch !== 'x64') {
    npmWhy = `it has only a Linux x64 build, this is ${lookup.platform} ${lookup.arch}`;
  } else {
    const cached = lookup.npmChromium?.cached();
    if (cached) return { path: cached, source: 'npm', from: npmFrom };
    if (lookup.npmChromium?.fetch) {
      try {
        return { path: await lookup.npmChromium.fetch(), source: 'npm', from: npmFrom };
      } catch (error) {
        npmWhy = `fetching it failed: ${firstLine(error)}`;
      }
    } else {
      npmWhy = 'not fetched here; the e2e global setup fetches it';
    }
  }
  looked.push(`the ${npmFrom} (${npmWhy})`);

  throw new BrowserNotFoundError(
    `No Chromium for the e2e tests: looked at ${looked.join(', ')}; set BOOTMEND_CHROMIUM to a Chromium or Chrome binary, or install one with \`apt install chromium\` or \`npx playwright install chromium\`.`,
  );
}

/** A regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() || '(no output)';
}

/** The part of npm's error output that says what went wrong: its code and first message line. */
export function npmErrorSummary(stderr: string): string {
  const lines = stderr
    .split('\n')
    .filter((line) => line.startsWith('npm error '))
    .map((line) => line.slice('npm error '.length));
  const code = lines.find((line) => line.startsWith('code '))?.slice('code '.length);
  const message = lines.find((line) => line.trim() !== '' && !/^(code|syscall|errno|path|dest|A complete log)\b|^[\s{}]/.test(line));
  if (code && message) return `${code}: ${message.replace(/^notarget /, '')}`;
  return code ?? message ?? lastLine(stderr);
}

/**
 * Step 4 on this machine: the package lives in `cacheRoot` (the e2e uses node_modules/.cache, so it
 * goes with node_modules), installed with the npm client into its own prefix and unpacked there by
 * the package's own executablePath(). That function unpacks into os.tmpdir() and returns whatever
 * `<tmpdir>/chromium` already is, so it runs in a child process whose TMPDIR is our folder — never
 * the shared /tmp. Work happens in a `.partial-<pid>` folder renamed into place at the end, so a
 * run that is stopped halfway, or two runs at once, leave no half-unpacked browser behind.
 */
export function npmChromiumIn(cacheRoot: string, options: { fetch: boolean; log?: (line: string) => void }): NpmChromium {
  const dir = path.join(cacheRoot, `${NPM_CHROMIUM.name.replace(/^@/, '').replace('/', '-')}-${NPM_CHROMIUM.version}`);
  const binaryIn = (folder: string): string => path.join(folder, 'bin', 'chromium');
  const cached = (): string | undefined => (isExecutableFile(binaryIn(dir)) ? binaryIn(dir) : undefined);
  if (!options.fetch) return { cached };

  const fetch = async (): Promise<string> => {
    const work = `${dir}.partial-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(path.join(work, 'bin'), { recursive: true });
    try {
      // The npm that runs `npm test` if there is one; the prefix and cwd are the work folder, and the
      // parent npm's own prefix settings are not passed on, so the project's node_modules is untouched.
      const env: NodeJS.ProcessEnv = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !/^npm_config_(prefix|local_prefix|global|workspaces?|omit|include)$/i.test(key)),
      );
      const npmCli = process.env.npm_execpath;
      const [command, prefixArgs] = npmCli && /npm-cli\.js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
      options.log?.(`e2e: no Chromium on this machine; fetching ${NPM_CHROMIUM_SPEC} (68 MB) from the npm registry into ${dir}`);
      const install = await run(
        command,
        [...prefixArgs, 'install', '--prefix', work, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', NPM_CHROMIUM_SPEC],
        { cwd: work, env, timeoutMs: 10 * 60_000 },
      );
      if (install.code !== 0) throw new Error(`npm install ${NPM_CHROMIUM_SPEC} exited with ${install.code}: ${npmErrorSummary(install.stderr)}`);
      const unpack = await run(
        process.execPath,
        ['--input-type=module', '-e', `const { default: c } = await import(${JSON.stringify(NPM_CHROMIUM.name)}); process.stdout.write(await c.executablePath());`],
        { cwd: work, env: { ...process.env, TMPDIR: path.join(work, 'bin') }, timeoutMs: 5 * 60_000 },
      );
      if (unpack.code !== 0 || unpack.stdout.trim() !== binaryIn(work) || !isExecutableFile(binaryIn(work))) {
        throw new Error(`unpacking ${NPM_CHROMIUM_SPEC} failed: ${lastLine(unpack.stderr || unpack.stdout)}`);
      }
      // It needs glibc, NSS/NSPR and expat from the system: say so now rather than at the first test.
      const version = await run(binaryIn(work), ['--version'], { cwd: work, env: process.env, timeoutMs: 60_000 });
      if (version.code !== 0) throw new Error(`its Chromium cannot start here (${lastLine(version.stderr || version.stdout)})`);
      // The package itself (68 MB of .br files) is not needed once unpacked.
      rmSync(path.join(work, 'node_modules'), { recursive: true, force: true });
      if (!cached()) {
        rmSync(dir, { recursive: true, force: true });
        try {
          renameSync(work, dir);
        } catch (error) {
          // Another run put it in place first: use theirs.
          if (!cached()) throw error;
        }
      }
      return cached() ?? binaryIn(dir);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };
  return { cached, fetch };
}

/** The real machine: this process's environment, OS and file system. */
export function machineLookup(options: { playwrightExecutablePath: () => string; npmChromium?: NpmChromium }): BrowserLookup {
  return {
    env: process.env,
    platform: process.platform,
    arch: process.arch,
    isExecutable: isExecutableFile,
    playwrightExecutablePath: options.playwrightExecutablePath,
    ...(options.npmChromium ? { npmChromium: options.npmChromium } : {}),
  };
}
