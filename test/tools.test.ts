import { describe, expect, it } from 'vitest';
import { inCi, installHint, Needs, onPath, requireAll, requireTool, summaryLine } from './tools-rule.js';

const wine = (present: boolean) => new Needs('fix.cmd under Wine', [{ name: 'wine', package: 'wine64', present }]);
const root = (present: boolean) => new Needs('writing loop devices', [{ name: 'root', howTo: 'run the tests as root', present }]);

describe('the one rule for tool-dependent proofs', () => {
  it('CI is CI=true (or 1, yes …); unset, empty, 0 and false are not', () => {
    expect([undefined, '', '0', 'false', 'FALSE', ' '].map((CI) => inCi({ CI }))).toEqual([false, false, false, false, false, false]);
    expect(['true', '1', 'yes', 'TRUE'].map((CI) => inCi({ CI }))).toEqual([true, true, true, true]);
  });

  it('runs where everything is there; skips outside CI; fails in CI', () => {
    expect(wine(true).decision({})).toBe('run');
    expect(wine(true).decision({ CI: 'true' })).toBe('run');
    expect(wine(false).decision({})).toBe('skip');
    expect(wine(false).decision({ CI: 'true' })).toBe('fail');
    expect(root(false).decision({ CI: '1' })).toBe('fail');
  });

  it('the CI failure names the tool and the Debian package; root says how to get it', () => {
    expect(wine(false).failure).toBe(
      'fix.cmd under Wine needs wine, which is not installed here (apt install wine64). In CI a missing tool fails the test instead of skipping it: install it in .ci/run.',
    );
    expect(root(false).failure).toMatch(/^writing loop devices needs root, which this run is not \(run the tests as root\)\./);
    const boot = new Needs('boot proofs', [
      { name: 'qemu-system-x86_64', package: 'qemu-system-x86', present: false },
      { name: '/usr/share/ovmf/OVMF.fd', package: 'ovmf', present: false },
      { name: 'grub-mkstandalone', package: 'grub-common', present: true },
    ]);
    expect(boot.failure).toMatch(/^boot proofs needs qemu-system-x86_64 and \/usr\/share\/ovmf\/OVMF\.fd, which are not installed here \(apt install qemu-system-x86 ovmf\)\./);
    expect(boot.skipReason).toBe('needs qemu-system-x86_64 and /usr/share/ovmf/OVMF.fd (apt install qemu-system-x86 ovmf); skipped outside CI');
  });

  it('one summary line: counts per missing set, most first, with how to enable them', () => {
    expect(summaryLine([])).toBeNull();
    const qemu = { purpose: 'boot', missing: [{ name: 'qemu-system-x86_64', package: 'qemu-system-x86' }, { name: '/usr/share/ovmf/OVMF.fd', package: 'ovmf' }] };
    const records = [...Array(12).fill(wine(false).record), ...Array(6).fill(qemu), root(false).record];
    expect(summaryLine(records)).toBe(
      'skipped: 12 tests need wine (apt install wine64), 6 need qemu-system-x86_64 and /usr/share/ovmf/OVMF.fd (apt install qemu-system-x86 ovmf), 1 needs root (run the tests as root) — or run in CI',
    );
    expect(summaryLine([root(false).record])).toBe('skipped: 1 test needs root (run the tests as root) — or run in CI');
  });

  it('finds commands on PATH only, and combines needs without repeating one', () => {
    expect(onPath('node')).toBe(true);
    expect(onPath('node', '/nonexistent-folder')).toBe(false);
    expect(onPath('bootmend-no-such-tool')).toBe(false);
    const both = requireAll([requireTool('node', { package: 'nodejs', for: 'a' }), requireTool('bootmend-no-such-tool', { package: 'x', for: 'b' }), requireTool('node', { package: 'nodejs', for: 'c' })]);
    expect(both.purpose).toBe('a');
    expect(both.requirements.map((r) => r.name)).toEqual(['node', 'bootmend-no-such-tool']);
    expect(both.missing.map((r) => r.name)).toEqual(['bootmend-no-such-tool']);
    expect(installHint([{ package: 'a' }, { package: 'a' }, { howTo: 'as root' }])).toBe('apt install a; as root');
  });
});
