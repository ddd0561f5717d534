/**
 * File-name matching as cmd's `for`, `dir` and `del` do it (FindFirstFile): case-insensitive,
 * with the DOS rules Windows applies to * and ?:
 *   - "*.*" means every name, with or without a dot;
 *   - "*" directly before a "." stops at the name's last dot ("*.sys" does not match
 *     "a.sys.bak"; "C-00000291*.sys" matches "C-00000291-00000000-00000032.sys");
 *   - "?" is one character, or none at a "." or at the end ("a?.txt" matches "a.txt");
 *   - a "." before "?" or "*" also matches the end of the name ("readme.*" matches "readme");
 *   - trailing dots are dropped ("*." is names without an extension).
 * Not modelled: Windows also tries each file's 8.3 short name, so cmd can list a file whose
 * long name does not match. fix.cmd therefore re-checks the long name against this rule.
 */

type Token = { kind: 'literal'; char: string } | { kind: 'star' | 'dos-star' | 'dos-qm' | 'dos-dot' };

export function matchesFileGlob(glob: string, fileName: string): boolean {
  const tokens = translate(glob);
  const name = fileName.toUpperCase();
  const lastDot = name.lastIndexOf('.');
  const memo = new Map<number, boolean>();

  const match = (t: number, n: number): boolean => {
    const key = t * (name.length + 1) + n;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const result = step(t, n);
    memo.set(key, result);
    return result;
  };

  const step = (t: number, n: number): boolean => {
    const token = tokens[t];
    if (token === undefined) return n === name.length;
    const atEnd = n === name.length;
    const char = name[n];
    switch (token.kind) {
      case 'literal':
        return !atEnd && char === token.char && match(t + 1, n + 1);
      case 'star':
        return match(t + 1, n) || (!atEnd && match(t, n + 1));
      case 'dos-star':
        return match(t + 1, n) || (!atEnd && n !== lastDot && match(t, n + 1));
      case 'dos-qm':
        return atEnd || char === '.' ? match(t + 1, n) : match(t + 1, n + 1);
      case 'dos-dot':
        return atEnd ? match(t + 1, n) : char === '.' && match(t + 1, n + 1);
    }
  };

  return match(0, 0);
}

/** FindFirstFileExW's rewrite of a Win32 pattern into the DOS wildcards the file system matches. */
function translate(glob: string): Token[] {
  const hadTrailingDot = glob.endsWith('.');
  const trimmed = glob.replace(/[. ]+$/, '');
  if (trimmed === '*.*') return [{ kind: 'star' }];
  const tokens = trimmed.toUpperCase().split('').map((char): Token => {
    if (char === '*') return { kind: 'star' };
    if (char === '?') return { kind: 'dos-qm' };
    return { kind: 'literal', char };
  });
  const isDot = (token: Token | undefined) => token?.kind === 'literal' && token.char === '.';
  tokens.forEach((token, i) => {
    if (isDot(token) && tokens[i - 1]?.kind === 'star') tokens[i - 1] = { kind: 'dos-star' };
    if ((token.kind === 'dos-qm' || token.kind === 'star') && isDot(tokens[i - 1])) tokens[i - 1] = { kind: 'dos-dot' };
  });
  if (hadTrailingDot && tokens[tokens.length - 1]?.kind === 'star') tokens[tokens.length - 1] = { kind: 'dos-star' };
  return tokens;
}
