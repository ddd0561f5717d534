import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The one rule for proofs that need an outside tool (Wine, QEMU, xorriso, zbar, root for loop
 * devices …), whatever the test runner:
 *
 * - everything is there → the test runs;
 * - something is missing outside CI → the test is skipped, and the run ends with one line
 *   naming what was skipped and how to enable it;
 * - something is missing in CI (`CI` set to anything but "", "0" or "false") → the test fails
 *   with a sentence naming the tool and the Debian package: CI installs every tool (.ci/run),
 *   so a missing one there is a broken machine, not a reason to pass.
 *
 * This module imports no test runner: test/tools.ts binds it to vitest,
 * test/tools-playwright.ts to Playwright.
 */

export interface Requirement {
  /** As sentences name it: a command (`wine`), a file (`/usr/share/ovmf/OVMF.fd`) or `root`. */
  name: string;
  /** The Debian package that provides it; none for `root`. */
  package?: string;
  /** How to get it where there is no package (root). */
  howTo?: string;
  present: boolean;
}

/** What a skipped test needed: kept on the test (vitest task meta, Playwright record file) for the summary line. */
export interface NeedsRecord {
  missing: { name: string; package?: string; howTo?: string }[];
  purpose: string;
}

export type Decision = 'run' | 'skip' | 'fail';

/** CI as every CI service sets it: `CI=true` (also `1`, `yes`); unset, empty, `0` and `false` are not CI. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

const found = new Map<string, boolean>();

/** Whether `command` is an executable file in a folder of PATH (looked up once per PATH). */
export function onPath(command: string, path = process.env.PATH ?? ''): boolean {
  const key = `${path}\0${command}`;
  let yes = found.get(key);
  if (yes === undefined) {
    yes = path.split(delimiter).some((dir) => {
      if (dir === '') return false;
      try {
        const file = join(dir, command);
        accessSync(file, constants.X_OK);
        return statSync(file).isFile();
      } catch {
        return false;
      }
    });
    found.set(key, yes);
  }
  return yes;
}

function list(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** `apt install wine64 gcc-mingw-w64-x86-64`, or how to get what no package gives (root), or both. */
export function installHint(missing: readonly Pick<Requirement, 'package' | 'howTo'>[]): string {
  const packages = [...new Set(missing.flatMap((m) => (m.package ? [m.package] : [])))];
  const other = [...new Set(missing.flatMap((m) => (m.package || !m.howTo ? [] : [m.howTo])))];
  return [packages.length > 0 ? `apt install ${packages.join(' ')}` : '', ...other].filter(Boolean).join('; ');
}

/** A test's needs and the decision the rule makes about them. */
export class Needs {
  constructor(
    /** What the tests prove with the tools, e.g. "fix.cmd under Wine". */
    readonly purpose: string,
    readonly requirements: readonly Requirement[],
  ) {}

  get missing(): Requirement[] {
    return this.requirements.filter((r) => !r.present);
  }

  get ok(): boolean {
    return this.missing.length === 0;
  }

  decision(env: NodeJS.ProcessEnv = process.env): Decision {
    if (this.ok) return 'run';
    return inCi(env) ? 'fail' : 'skip';
  }

  /** The CI failure: "fix.cmd under Wine needs wine, which is not installed here (apt install wine64). …" */
  get failure(): string {
    const missing = this.missing;
    const names = list(missing.map((m) => m.name));
    const state = missing.every((m) => m.package) ? 'installed' : 'available';
    const verb = missing.length === 1 && missing[0]!.name === 'root' ? 'which this run is not' : `which ${missing.length === 1 ? 'is' : 'are'} not ${state} here`;
    return `${this.purpose} needs ${names}, ${verb} (${installHint(missing)}). In CI a missing tool fails the test instead of skipping it: install it in .ci/run.`;
  }

  /** The reason printed beside a skipped test. */
  get skipReason(): string {
    return `needs ${list(this.missing.map((m) => m.name))} (${installHint(this.missing)}); skipped outside CI`;
  }

  get record(): NeedsRecord {
    return { purpose: this.purpose, missing: this.missing.map(({ name, package: pkg, howTo }) => ({ name, ...(pkg ? { package: pkg } : {}), ...(howTo ? { howTo } : {}) })) };
  }
}

export interface NeedOptions {
  /** The Debian package that provides it. */
  package: string;
  /** What the tests prove with it: "fix.cmd under Wine". */
  for: string;
}

/** A command that must be on PATH. */
export function requireTool(command: string, options: NeedOptions): Needs {
  return new Needs(options.for, [{ name: command, package: options.package, present: onPath(command) }]);
}

/** The Debian package of each command the proofs use, written once. */
export const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  '7z': 'p7zip-full',
  fdisk: 'fdisk',
  'fsck.fat': 'dosfstools',
  genisoimage: 'genisoimage',
  isoinfo: 'genisoimage',
  losetup: 'mount',
  mcopy: 'mtools',
  mdir: 'mtools',
  'mkfs.fat': 'dosfstools',
  sgdisk: 'gdisk',
  'wimlib-imagex': 'wimtools',
  xorriso: 'xorriso',
  zbarimg: 'zbar-tools',
};

/** Commands from DEBIAN_PACKAGES: requireCommands(['xorriso', 'isoinfo'], { for: 'the ISO writer proofs' }). */
export function requireCommands(commands: readonly string[], options: { for: string }): Needs {
  return requireAll(
    commands.map((command) => {
      const pkg = DEBIAN_PACKAGES[command];
      if (!pkg) throw new Error(`test/tools-rule.ts: add the Debian package of ${command} to DEBIAN_PACKAGES`);
      return requireTool(command, { package: pkg, for: options.for });
    }),
    options.for,
  );
}

/** A file a package installs (firmware, boot loaders, GRUB modules). */
export function requireFile(path: string, options: NeedOptions): Needs {
  return new Needs(options.for, [{ name: path, package: options.package, present: existsSync(path) }]);
}

/** A command on PATH or a file, and the Debian package that provides it: how harnesses in main/ list what they use. */
export interface ToolSpec {
  command?: string;
  file?: string;
  package: string;
}

/** Every tool of a list (a harness's WINE_TOOLS, BOOT_TOOLS …). */
export function requireTools(specs: readonly ToolSpec[], options: { for: string }): Needs {
  return requireAll(
    specs.map((spec) => {
      const name = spec.command ?? spec.file;
      if (!name) throw new Error('a ToolSpec names a command or a file');
      return spec.command ? requireTool(spec.command, { package: spec.package, for: options.for }) : requireFile(name, { package: spec.package, for: options.for });
    }),
    options.for,
  );
}

/** Root (loop devices, bind mounts, raw drives). */
export function requireRoot(options: { for: string }): Needs {
  return new Needs(options.for, [{ name: 'root', howTo: 'run the tests as root', present: process.platform !== 'win32' && process.getuid?.() === 0 }]);
}

/** Something found out only by trying (a bind mount in a container without CAP_SYS_ADMIN). */
export function requireCapability(name: string, options: { for: string; present: boolean; howTo: string; package?: string }): Needs {
  return new Needs(options.for, [{ name, howTo: options.howTo, present: options.present, ...(options.package ? { package: options.package } : {}) }]);
}

/** All of them, for the first one's purpose unless `purpose` is given. */
export function requireAll(needs: readonly Needs[], purpose = needs[0]?.purpose ?? ''): Needs {
  const seen = new Set<string>();
  const requirements = needs.flatMap((n) => n.requirements).filter((r) => !seen.has(r.name) && Boolean(seen.add(r.name)));
  return new Needs(purpose, requirements);
}

/**
 * The one line at the end of a run, or null when nothing was skipped for a missing tool:
 * `skipped: 12 tests need wine (apt install wine64), 6 need qemu-system-x86_64 and
 * /usr/share/ovmf/OVMF.fd (apt install qemu-system-x86 ovmf) — or run in CI`.
 */
export function summaryLine(records: readonly NeedsRecord[]): string | null {
  if (records.length === 0) return null;
  const groups = new Map<string, { count: number; missing: NeedsRecord['missing'] }>();
  for (const record of records) {
    const key = record.missing.map((m) => m.name).join('\0');
    const group = groups.get(key) ?? { count: 0, missing: record.missing };
    group.count += 1;
    groups.set(key, group);
  }
  const parts = [...groups.values()]
    .sort((a, b) => b.count - a.count)
    .map(({ count, missing }, index) => {
      const subject = index === 0 ? `${count} ${count === 1 ? 'test needs' : 'tests need'}` : `${count} ${count === 1 ? 'needs' : 'need'}`;
      return `${subject} ${list(missing.map((m) => m.name))} (${installHint(missing)})`;
    });
  return `skipped: ${parts.join(', ')} — or run in CI`;
}
