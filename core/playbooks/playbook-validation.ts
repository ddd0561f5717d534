import type { z } from 'zod';
import { locateJsonSyntaxError } from '../json-syntax.js';
import { PlaybookSchema, type Playbook } from './playbook.js';

/**
 * A playbook is accepted whole or refused with every problem named by field path (or line
 * and column for broken JSON), so its author can fix it in one go and nothing is applied
 * half-way. Pure, so the app, the CLI and a future editor screen share the wording.
 */

export interface PlaybookProblem {
  /** "targets.0.conditions.modifiedUtc.before", "line 12, column 5", or null for the whole file. */
  at: string | null;
  /** Starts lower-case, reads after "<at>: ". */
  message: string;
}

export type PlaybookValidation =
  | { ok: true; playbook: Playbook }
  | {
      ok: false;
      problems: PlaybookProblem[];
      /** The id the file claims, when it has a readable one: lets a lookup by id explain a refusal. */
      declaredId: string | null;
    };

export function validatePlaybook(value: unknown): PlaybookValidation {
  const parsed = PlaybookSchema.safeParse(value);
  if (parsed.success) return { ok: true, playbook: parsed.data };
  return { ok: false, problems: describeIssues(parsed.error), declaredId: declaredIdOf(value) };
}

/** From the text of a .json file: a UTF-8 byte-order mark (Notepad writes one) is allowed. */
export function validatePlaybookText(text: string): PlaybookValidation {
  const source = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    const where = locateJsonSyntaxError(source);
    const problem = where
      ? { at: `line ${where.line}, column ${where.column}`, message: `not valid JSON: ${where.reason}` }
      : { at: null, message: 'not valid JSON' };
    return { ok: false, problems: [problem], declaredId: null };
  }
  return validatePlaybook(value);
}

/** "my.json: targets.0.glob: must be a file name pattern ..." — one line per problem. */
export function formatPlaybookProblems(source: string, problems: PlaybookProblem[]): string {
  return problems.map((problem) => [source, problem.at, problem.message].filter((part) => part !== null).join(': ')).join('\n');
}

function describeIssues(error: z.ZodError): PlaybookProblem[] {
  return error.issues.flatMap((issue): PlaybookProblem[] => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ at: [...path, key].join('.'), message: 'is not a playbook field (check its spelling and where it is placed)' }));
    }
    return [{ at: path.length > 0 ? path.join('.') : null, message: reasonOf(issue) }];
  });
}

function reasonOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) return 'is required';
  return lowerFirst(issue.message.replace(/^Invalid input: /, '').replace(/\.$/, ''));
}

function declaredIdOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  return typeof value.id === 'string' && value.id.length <= 64 ? value.id : null;
}

function lowerFirst(text: string): string {
  return text.length > 0 ? text[0]!.toLowerCase() + text.slice(1) : text;
}
