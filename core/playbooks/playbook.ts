import { z } from 'zod';

/**
 * A playbook says what a bad update left behind and how to remove it, declaratively:
 * the payload (fix.cmd) and the technician's walkthrough are both driven by it.
 */
export const PLAYBOOK_SCHEMA_VERSION = 1;

/** Windows variables a target folder may start with; fix.cmd resolves them per volume. */
export const FOLDER_VARIABLES = ['%SystemRoot%', '%windir%', '%SystemDrive%', '%ProgramData%', '%ProgramFiles%', '%ProgramFiles(x86)%'] as const;

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with a zone, e.g. 2024-07-19T04:09:00Z' });

/**
 * Folder and glob reach fix.cmd's command lines, so they accept a whitelist, not a blacklist:
 * cmd gives meaning to % ! ^ & | < > ( ) and a child `cmd /c` (as `for /f` runs) expands %...%
 * once more, so a character outside this list could turn a name into a command run as SYSTEM.
 */
const NAME_CHARS = 'letters, digits, spaces, . _ -';
const FOLDER_CHAR = /[A-Za-z0-9 ._\\-]/;
const GLOB_CHAR = /[A-Za-z0-9 ._*?-]/;

/** How a refused character is named in a sentence: "%", a tab, U+0007. */
function nameOfChar(char: string): string {
  if (char === '\t') return 'a tab';
  if (char === '\r' || char === '\n') return 'a line break';
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${char}"`;
}

function listOf(names: string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/** Characters of `text` outside `allowed`, each once, in order of appearance. */
export function refusedChars(text: string, allowed: RegExp): string[] {
  return [...new Set([...text].filter((char) => !allowed.test(char)))];
}

/** The variable a folder starts with (as the playbook spells it), or '' for a folder from the volume root. */
export function folderVariableOf(folder: string): string {
  const variable = FOLDER_VARIABLES.find((name) => folder.toLowerCase().startsWith(name.toLowerCase()));
  return variable === undefined ? '' : folder.slice(0, variable.length);
}

export const TargetFolder = z
  .string()
  .min(3)
  .max(240)
  .refine((v) => !/(^|\\)\.\.(\\|$)/.test(v), 'must not climb out of a folder with ".."')
  .refine((v) => !v.includes('/'), 'must use Windows backslashes')
  .refine(
    (v) => folderVariableOf(v) !== '' || /^\\[^\\]/.test(v),
    `must start with one of ${FOLDER_VARIABLES.join(', ')} or with \\ (the volume root)`,
  )
  .superRefine((v, ctx) => {
    const bad = refusedChars(v.slice(folderVariableOf(v).length), FOLDER_CHAR);
    if (bad.length === 0) return;
    ctx.addIssue({
      code: 'custom',
      message: `must not contain ${listOf(bad.map(nameOfChar))}: after its starting variable a folder may hold only ${NAME_CHARS} and \\`,
    });
  });

export const FileGlob = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[^\\/:]+$/, 'must be a file name pattern without folders (only * and ? as wildcards)')
  .superRefine((v, ctx) => {
    const bad = refusedChars(v, GLOB_CHAR).filter((char) => !'\\/:'.includes(char));
    if (bad.length === 0) return;
    ctx.addIssue({ code: 'custom', message: `must not contain ${listOf(bad.map(nameOfChar))}: a glob may hold only ${NAME_CHARS} and the wildcards * ?` });
  });

/**
 * Whether a condition must be checked before a file is touched ("required", the default) or
 * counts only where the tools to check it exist ("whenAvailable": e.g. leading bytes, which
 * default WinPE and WinRE cannot read without PowerShell, certutil or fc).
 */
export const Requirement = z.enum(['required', 'whenAvailable']);
export const CONDITION_KEYS = ['modifiedUtc', 'sizeBytes', 'leadingBytesHex', 'sha256'] as const;

const Sha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits').transform((v) => v.toLowerCase());

export const ConditionsSchema = z
  .object({
    /** Last-modified time in UTC must be >= from and < before. */
    modifiedUtc: z
      .object({ from: isoInstant, before: isoInstant })
      .strict()
      // Refinements run even when a bound failed its own format check; compare only real times
      // so a typo is reported once, as itself.
      .refine((w) => !(Date.parse(w.from) >= Date.parse(w.before)), { message: '"from" must be earlier than "before"', path: ['before'] })
      .optional(),
    sizeBytes: z
      .object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() })
      .strict()
      .refine((s) => !(typeof s.min === 'number' && typeof s.max === 'number' && s.min > s.max), { message: '"min" must not exceed "max"', path: ['max'] })
      .optional(),
    /** The file must start with these bytes (hex, e.g. "AAAAAAAA01002301"). */
    leadingBytesHex: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{2}){1,64}$/, 'must be 1 to 64 bytes written as pairs of hexadecimal digits')
      .transform((v) => v.toUpperCase())
      .optional(),
    sha256: z
      .object({
        /** Known-good hashes: a file with one of these is never touched. */
        allow: z.array(Sha256).default([]),
        /** Known-bad hashes: when not empty, only a file with one of these is touched. */
        deny: z.array(Sha256).default([]),
      })
      .strict()
      .optional(),
    /** Per condition: "required" (default) or "whenAvailable". The name (glob) is always required. */
    requirement: z
      .object({
        name: z.literal('required', { message: 'must be "required": the file name is always checked' }).optional(),
        modifiedUtc: Requirement.optional(),
        sizeBytes: Requirement.optional(),
        leadingBytesHex: Requirement.optional(),
        sha256: Requirement.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const key of CONDITION_KEYS) {
      if (c.requirement?.[key] !== undefined && c[key] === undefined) {
        ctx.addIssue({ code: 'custom', message: `names "${key}", which this target does not set`, path: ['requirement', key] });
      }
    }
    const set = CONDITION_KEYS.filter((key) => c[key] !== undefined);
    if (set.length > 0 && set.every((key) => c.requirement?.[key] === 'whenAvailable')) {
      ctx.addIssue({ code: 'custom', message: 'must leave at least one condition "required": otherwise a PC without tools would remove files by name alone', path: ['requirement'] });
    }
  });
export type Conditions = z.infer<typeof ConditionsSchema>;

export const TargetAction = z.enum(['quarantine', 'delete']);

export const TargetSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and dashes'),
    description: z.string().min(1).max(300),
    folder: TargetFolder,
    glob: FileGlob,
    conditions: ConditionsSchema.default({}),
    action: TargetAction.default('quarantine'),
  })
  .strict();
export type Target = z.infer<typeof TargetSchema>;

export const WalkthroughStep = z.object({ title: z.string().min(1).max(120), detail: z.string().min(1).max(2000) }).strict();

export const PlaybookSchema = z
  .object({
    schemaVersion: z.literal(PLAYBOOK_SCHEMA_VERSION),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'must be 2-64 lower-case letters, digits and dashes'),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must look like 1.0.0'),
    title: z.string().min(1).max(120),
    incident: z
      .object({
        summary: z.string().min(1).max(2000),
        date: z.iso.date().optional(),
        references: z.array(z.object({ title: z.string().min(1), url: z.url({ protocol: /^https?$/ }) }).strict()).default([]),
      })
      .strict(),
    appliesTo: z.array(z.string().min(1).max(60)).min(1, 'must name at least one Windows version'),
    targets: z.array(TargetSchema).min(1, 'must have at least one target'),
    /** What the person at the PC does, per route into a command prompt. */
    walkthrough: z
      .object({
        winpe: z.array(WalkthroughStep).min(1),
        winre: z.array(WalkthroughStep).min(1),
        safemode: z.array(WalkthroughStep).min(1),
      })
      .strict(),
  })
  .strict()
  .superRefine((playbook, ctx) => {
    const seen = new Set<string>();
    playbook.targets.forEach((target, index) => {
      if (seen.has(target.id)) ctx.addIssue({ code: 'custom', message: `target id "${target.id}" is used twice`, path: ['targets', index, 'id'] });
      seen.add(target.id);
    });
  });
export type Playbook = z.infer<typeof PlaybookSchema>;
export type PlaybookInput = z.input<typeof PlaybookSchema>;
