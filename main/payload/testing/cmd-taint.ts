/**
 * Reads a batch script's text the way cmd parses it, far enough to say which values may reach
 * the three places where cmd parses a value a second time:
 *
 *   - the command of `for /f ('…')` (or `…` with usebackq): Microsoft's `for` docs say the
 *     command is run and its output parsed; cmd runs it through a child `cmd /c`, which expands
 *     %…% in that command line again;
 *   - a `call` line: Microsoft's `call` docs and cmd's parsing rules (percent expansion is
 *     repeated for the called line, carets are doubled) expand %…% a second time;
 *   - the text of a PowerShell `-Command "…"`: a value there is PowerShell code.
 *
 * "Supplied" values are tracked by name through `set`, flow-insensitively: a variable is
 * supplied when any assignment to it holds a supplied value. Sources: every variable set by
 * the generated playbook block; everything read from a command, a file or the PC's
 * environment (for /f output, for-loop file names, `set /p` from a file, variables the script
 * never sets such as TEMP or COMPUTERNAME, and %~dp0, the folder the stick is mounted at).
 * `set /a` always stores a number, so it never passes a value on. The technician's own input
 * (switches, answers typed at a prompt) is not counted: neither the playbook nor the PC supplies
 * it. Positional parameters %1…%9 carry a call's arguments, which this very check keeps clean.
 */

export interface Violation {
  line: number;
  context: 'for /f command' | 'call' | 'PowerShell -Command';
  text: string;
  /** The variable, parameter or loop variable that should not be there. */
  ref: string;
}

type Ref = { kind: 'var'; name: string } | { kind: 'pos'; digit: string; mods: string } | { kind: 'loop'; letter: string; mods: string };

interface Stmt {
  line: number;
  text: string;
  /** Loop variables bound around this statement: letter -> supplied. */
  loops: Map<string, boolean>;
}

/** Variables cmd computes itself as numbers. */
const CMD_NUMBERS = new Set(['RANDOM', 'ERRORLEVEL']);

export function analyseBatch(script: string, options: { generatedBlock?: [string, string] } = {}): { supplied: Set<string>; violations: Violation[] } {
  const lines = script.split(/\r?\n/);
  const playbookNames = new Set<string>();
  if (options.generatedBlock) {
    const start = lines.indexOf(options.generatedBlock[0]);
    const end = lines.indexOf(options.generatedBlock[1]);
    if (start < 0 || end < start) throw new Error('generated block markers not found');
    for (const line of lines.slice(start, end)) {
      const name = /^set "([A-Za-z0-9_]+)=/.exec(line)?.[1];
      if (name) playbookNames.add(name.toUpperCase());
    }
  }

  const loopLetters = new Set<string>();
  for (const line of lines) for (const m of line.matchAll(/\bfor\b[^%]*%%([A-Za-z])\s+in\s*\(/gi)) loopLetters.add(m[1]!);

  const assigned = new Set<string>();
  const arithmetic = new Set<string>();
  for (const line of lines) {
    for (const m of line.matchAll(/\bset\s+(?:\/p\s+)?"?([A-Za-z0-9_%~]+)=/gi)) assigned.add(normaliseName(m[1]!));
    for (const m of line.matchAll(/\bset\s+\/a\s+"([^"]*)"/gi)) {
      for (const target of m[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*[-+*/%&|^]?=(?!=)/g)) arithmetic.add(target[1]!.toUpperCase());
    }
  }
  // Variables only ever set by `set /a` hold numbers: in a variable's name they stand for digits.
  const numeric = new Set([...arithmetic].filter((name) => !assigned.has(name)));
  for (const name of arithmetic) assigned.add(name);

  const supplied = new Set(playbookNames);
  const isSupplied = (ref: Ref, loops: Map<string, boolean>): boolean => {
    if (ref.kind === 'pos') return ref.digit === '0';
    if (ref.kind === 'loop') return ref.mods.includes('$') || (loops.get(ref.letter) ?? true);
    const name = ref.name.toUpperCase();
    if (CMD_NUMBERS.has(name)) return false;
    if (name.includes('*') || name.includes('#')) {
      const pattern = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/#/g, '\\d+')}$`);
      return [...supplied].some((n) => pattern.test(n)) || ![...assigned].some((n) => pattern.test(n));
    }
    return supplied.has(name) || !assigned.has(name);
  };

  const statements = splitStatements(lines, loopLetters, (set, loops) => refsOf(set, loopLetters, false, numeric).some((r) => isSupplied(r, loops)));

  // Fixpoint: a variable becomes supplied when an assignment to it holds a supplied value.
  for (let changed = true; changed; ) {
    changed = false;
    for (const stmt of statements) {
      const assignment = assignmentOf(stmt.text);
      if (!assignment || assignment.kind === 'arith') continue;
      const name = normaliseName(assignment.name);
      if (supplied.has(name)) continue;
      const fromInput = assignment.kind === 'prompt' && !/<\s*"/.test(stmt.text);
      const fromFile = assignment.kind === 'prompt' && /<\s*"/.test(stmt.text);
      const refs = refsOf(assignment.value, loopLetters, assignment.viaCall, numeric);
      if (fromFile || (!fromInput && refs.some((r) => isSupplied(r, stmt.loops)))) {
        supplied.add(name);
        changed = true;
      }
    }
  }
  const violations: Violation[] = [];
  for (const stmt of statements) {
    for (const command of forCommandsOf(stmt.text)) {
      for (const ref of refsOf(command, loopLetters, false)) violations.push({ line: stmt.line, context: 'for /f command', text: command, ref: show(ref) });
      if (command.includes('!')) violations.push({ line: stmt.line, context: 'for /f command', text: command, ref: '!' });
    }
    for (const ps of stmt.text.matchAll(/-Command\s+"([^"]*)"/gi)) {
      for (const ref of refsOf(ps[1]!, loopLetters, false)) violations.push({ line: stmt.line, context: 'PowerShell -Command', text: ps[1]!, ref: show(ref) });
    }
    const call = callArgumentsOf(stmt.text);
    if (call !== null) {
      for (const ref of refsOf(call, loopLetters, true, numeric)) {
        if (isSupplied(ref, stmt.loops)) violations.push({ line: stmt.line, context: 'call', text: call, ref: show(ref) });
      }
    }
  }
  return { supplied, violations };
}

function show(ref: Ref): string {
  if (ref.kind === 'var') return `%${ref.name}%`;
  if (ref.kind === 'pos') return `%${ref.mods}${ref.digit}`;
  return `%%${ref.mods}${ref.letter}`;
}

/** `BM_BL_%1` and `BM_BL_%BM_X%` name a family of variables: BM_BL_*. */
function normaliseName(name: string): string {
  return name
    .replace(/%~?[a-z]*\d|%[^%]+%/gi, '*')
    .toUpperCase();
}

/**
 * References in a batch line (as written in the file, before cmd's first pass). With
 * `secondPass`, the `%%NAME%%` that a CALL expands again count too.
 */
export function refsOf(text: string, loopLetters: Set<string>, secondPass: boolean, numeric = new Set<string>()): Ref[] {
  const refs: Ref[] = [];
  let afterFirst = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch !== '%') {
      afterFirst += ch;
      continue;
    }
    const rest = text.slice(i);
    if (rest.startsWith('%%')) {
      const loop = /^%%(~[a-z]*(?:\$[A-Za-z_]+:)?)?([A-Za-z])/.exec(rest);
      if (loop && loopLetters.has(loop[2]!)) {
        refs.push({ kind: 'loop', letter: loop[2]!, mods: loop[1] ?? '' });
        afterFirst += 'L';
        i += loop[0].length - 1;
        continue;
      }
      afterFirst += '%';
      i += 1;
      continue;
    }
    const pos = /^%(~[a-z]*)?(\d)/i.exec(rest);
    if (pos) {
      refs.push({ kind: 'pos', digit: pos[2]!, mods: pos[1] ?? '' });
      afterFirst += '*';
      i += pos[0].length - 1;
      continue;
    }
    const variable = /^%([^%:\s"]+)(:[^%]*)?%/.exec(rest);
    if (variable) {
      refs.push({ kind: 'var', name: variable[1]! });
      afterFirst += numeric.has(variable[1]!.toUpperCase()) ? '#' : '*';
      i += variable[0].length - 1;
      continue;
    }
    afterFirst += ch;
  }
  if (secondPass) {
    for (const m of afterFirst.matchAll(/%([^%:\s"]+)(:[^%]*)?%/g)) refs.push({ kind: 'var', name: m[1]! });
  }
  return refs;
}

type Assignment = { kind: 'plain' | 'prompt'; name: string; value: string; viaCall: boolean } | { kind: 'arith'; name: string };

function assignmentOf(text: string): Assignment | null {
  const m = /^(?:@?call\s+)?set\s+(\/a\s+|\/p\s+)?"?([A-Za-z0-9_%~]+)=(.*)$/i.exec(stripIfs(text));
  if (!m) return null;
  if (m[1]?.toLowerCase().startsWith('/a')) return { kind: 'arith', name: m[2]! };
  return { kind: m[1] ? 'prompt' : 'plain', name: m[2]!, value: m[3]!, viaCall: /^@?call\s/i.test(stripIfs(text)) };
}

/** The command an `if …` (or several) guards: `if /i not "a"=="b" if defined X cmd` -> `cmd`. */
export function stripIfs(text: string): string {
  let rest = text.trim();
  const token = /^("[^"]*"|\S+)\s*/;
  for (;;) {
    const m = /^if\s+(\/i\s+)?(not\s+)?/i.exec(rest);
    if (!m) return rest;
    rest = rest.slice(m[0].length);
    const keyword = /^(defined|exist|errorlevel)\s+/i.exec(rest);
    if (keyword) {
      rest = rest.slice(keyword[0].length);
      rest = rest.slice(token.exec(rest)?.[0].length ?? 0);
      continue;
    }
    const left = token.exec(rest);
    rest = rest.slice(left?.[0].length ?? 0);
    if (rest.startsWith('==')) {
      rest = rest.slice(2).trimStart();
      rest = rest.slice(token.exec(rest)?.[0].length ?? 0);
      continue;
    }
    const op = /^(equ|neq|lss|leq|gtr|geq)\s+/i.exec(rest);
    if (op) {
      rest = rest.slice(op[0].length);
      rest = rest.slice(token.exec(rest)?.[0].length ?? 0);
    }
  }
}

/** Commands of `for /f` sets that cmd runs (not strings, not files). */
export function forCommandsOf(text: string): string[] {
  const m = /^\s*for\s+\/f\s+("[^"]*"\s+)?%%[A-Za-z]\s+in\s+\(\s*(.*)$/i.exec(text);
  if (!m) return [];
  const usebackq = /usebackq/i.test(m[1] ?? '');
  const set = m[2]!;
  const quote = usebackq ? '`' : "'";
  if (!set.startsWith(quote)) return [];
  const end = set.indexOf(`${quote})`, 1);
  return [end < 0 ? set.slice(1) : set.slice(1, end)];
}

/** The text after `call` up to the end of its command, or null when the statement is no call. */
export function callArgumentsOf(text: string): string | null {
  const m = /^@?call\s+(.*)$/i.exec(stripIfs(text));
  return m ? m[1]! : null;
}

/**
 * Statements with the loop variables bound around them. A line is split at unquoted & | ( and
 * ), except inside a for's set; `for … do (` binds its variable until its block closes.
 */
function splitStatements(lines: string[], loopLetters: Set<string>, setIsSupplied: (set: string, loops: Map<string, boolean>) => boolean): Stmt[] {
  const statements: Stmt[] = [];
  const frames: { depth: number; loops: Map<string, boolean> }[] = [{ depth: -1, loops: new Map() }];
  let depth = 0;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || /^(@?rem\b|::|:)/i.test(line)) return;
    let loops = frames.at(-1)!.loops;
    let rest = line;
    while (rest !== '') {
      const guarded = stripIfs(rest);
      const loop = /^for\s+(\/[a-z]\s+)?("[^"]*"\s+)?%%([A-Za-z])\s+in\s*\(/i.exec(guarded);
      if (loop) {
        rest = guarded;
        const afterOpen = rest.slice(loop[0].length);
        const usebackq = /usebackq/i.test(loop[2] ?? '');
        const close = setEnd(afterOpen, usebackq);
        const set = afterOpen.slice(0, close);
        let fromOutside: boolean;
        if (/^\/f/i.test(loop[1] ?? '')) {
          const first = set.trim()[0];
          const kind = usebackq ? (first === '`' ? 'command' : first === '"' ? 'file' : 'string') : first === "'" ? 'command' : 'string';
          fromOutside = kind !== 'string' || setIsSupplied(set, loops);
        } else {
          fromOutside = setIsSupplied(set, loops) || /[*?]/.test(set);
        }
        statements.push({ line: index + 1, text: rest.slice(0, loop[0].length + close + 1), loops });
        loops = new Map(loops);
        const first = loop[3]!.charCodeAt(0);
        // tokens= may bind the following letters too; bind up to nine.
        for (let k = 0; k < 9; k += 1) {
          const letter = String.fromCharCode(first + k);
          if (loopLetters.has(letter) || k === 0) loops.set(letter, fromOutside);
        }
        rest = afterOpen.slice(close + 1).replace(/^\s*do\s+/i, '');
        if (rest.trim() === '(') {
          depth += 1;
          frames.push({ depth, loops });
          rest = '';
        }
        continue;
      }
      const [head, tail, opened, closed] = nextCommand(rest);
      if (head.trim() !== '') statements.push({ line: index + 1, text: head.trim(), loops });
      for (let k = 0; k < closed; k += 1) {
        depth = Math.max(0, depth - 1);
        while (frames.length > 1 && frames.at(-1)!.depth > depth) frames.pop();
        loops = frames.at(-1)!.loops;
      }
      depth += opened;
      rest = tail;
    }
  });
  return statements;
}

/** Index of the ")" that ends a for's set. */
function setEnd(text: string, usebackq: boolean): number {
  const t = text.trimStart();
  const offset = text.length - t.length;
  const quote = t[0];
  if (quote === "'" || (usebackq && quote === '`') || quote === '"') {
    const end = t.indexOf(`${quote})`, 1);
    if (end >= 0) return offset + end + 1;
  }
  let inQuotes = false;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '"') inQuotes = !inQuotes;
    else if (text[i] === ')' && !inQuotes) return i;
  }
  return text.length;
}

/** The first command of `text`: [command, rest, "(" opened before it, ")" closed after it]. */
function nextCommand(text: string): [string, string, number, number] {
  let inQuotes = false;
  let opened = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '^' && !inQuotes) {
      i += 1;
      continue;
    }
    if (ch === '"') inQuotes = !inQuotes;
    if (inQuotes) continue;
    if (ch === '(' && text.slice(start, i).trim() === '') {
      opened += 1;
      start = i + 1;
      continue;
    }
    if (ch === '(' && /(^|\s)(if\s.*|else\s*)$/i.test(text.slice(0, i))) {
      return [text.slice(start, i), text.slice(i), opened, 0];
    }
    if (ch === '&' || ch === '|') return [text.slice(start, i), text.slice(i + 1).replace(/^[&|]/, ''), opened, 0];
    if (ch === ')') {
      let closed = 0;
      let j = i;
      while (j < text.length && (text[j] === ')' || text[j] === ' ')) {
        if (text[j] === ')') closed += 1;
        j += 1;
      }
      return [text.slice(start, i), text.slice(j), opened, closed];
    }
  }
  return [text.slice(start), '', opened, 0];
}
