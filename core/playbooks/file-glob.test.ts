import { describe, expect, it } from 'vitest';
import { matchesFileGlob } from './file-glob.js';

describe('matchesFileGlob (Windows FindFirstFile rules)', () => {
  it.each([
    ['C-00000291*.sys', 'C-00000291-00000000-00000032.sys', true],
    ['C-00000291*.sys', 'c-00000291-00000000-00000029.SYS', true],
    ['C-00000291*.sys', 'C-00000291.sys', true],
    ['C-00000291*.sys', 'C-00000290-00000000-00000032.sys', false],
    ['C-00000291*.sys', 'C-00000291-00000000-00000032.sys.bak', false],
    ['C-00000291*.sys', 'C-00000291-00000000-00000032.sysx', false],
    ['C-00000291*.sys', 'XC-00000291-1.sys', false],
    ['*.sys', 'a.b.sys', true],
    ['*', 'anything.at.all', true],
    ['*.*', 'no-dot', true],
    ['*.', 'no-dot', true],
    ['*.', 'has.dot', false],
    ['readme.*', 'readme', true],
    ['a?.txt', 'ab.txt', true],
    ['a?.txt', 'a.txt', true],
    ['a?.txt', 'abc.txt', false],
    ['a??', 'a', true],
    ['a??', 'abcd', false],
    ['file?.log', 'FILE1.LOG', true],
    ['report', 'Report', true],
    ['report', 'report.txt', false],
  ])('%s vs %s -> %s', (glob, name, expected) => {
    expect(matchesFileGlob(glob, name)).toBe(expected);
  });

  it('stays fast on a pathological pattern', () => {
    const started = Date.now();
    expect(matchesFileGlob('*a*a*a*a*a*a*a*a*b', 'a'.repeat(200))).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
