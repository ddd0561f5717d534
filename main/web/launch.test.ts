import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { launchWebHost } from './launch.js';
import { openPageFolder, openPageHtml, writeOpenPage } from './open-page.js';

/** A stand-in for xdg-open that writes the arguments it was started with, one a line. */
function recordingOpener(dir: string): { opener: string; argv: () => string[] | null } {
  const record = join(dir, 'argv.txt');
  const opener = join(dir, 'fake-xdg-open');
  writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > "${record}.part" && mv "${record}.part" "${record}"\n`);
  chmodSync(opener, 0o755);
  return { opener, argv: () => (existsSync(record) ? readFileSync(record, 'utf8').trimEnd().split('\n') : null) };
}

async function until<T>(read: () => T | null, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('web host launch: opening the browser without showing the token to other users', () => {
  it.skipIf(process.platform === 'win32')(
    "starts the opener on a private redirect page (0600 in a 0700 folder) whose path holds no token, and keeps printing BOOTMEND_URL",
    async () => {
      const dataDir = tempDir('launch-data');
      const staticDir = tempDir('launch-static');
      writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Bootmend</title>');
      const { opener, argv } = recordingOpener(tempDir('launch-opener'));
      const out: string[] = [];
      const err: string[] = [];
      const host = await launchWebHost({ port: 0, open: true, dataDir, staticDir, opener, out: (l) => out.push(l), err: (l) => err.push(l) });
      try {
        expect(out[0]).toBe(`BOOTMEND_URL=${host.url}`);
        const args = await until(argv);
        expect(args.slice(1)).toHaveLength(1);
        const page = args[1]!;
        // What `ps` shows every local user: the opener and a file path, not the token.
        expect(args.join(' ')).not.toContain(host.token);
        expect(args.join(' ')).not.toContain('token');
        expect(page.startsWith(`${openPageFolder(dataDir)}/`)).toBe(true);
        expect(statSync(page).mode & 0o777).toBe(0o600);
        expect(statSync(openPageFolder(dataDir)).mode & 0o777).toBe(0o700);
        const html = readFileSync(page, 'utf8');
        expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${host.url}">`);
        expect(html).toContain(`<a href="${host.url}">`);
        expect(err).toEqual([]);
        await host.close();
        expect(existsSync(page)).toBe(false);
      } finally {
        await host.close().catch(() => undefined);
      }
    },
  );

  it('with --no-open, writes no page and starts nothing', async () => {
    const dataDir = tempDir('launch-data');
    const { opener, argv } = recordingOpener(tempDir('launch-opener'));
    const pages = join(dataDir, 'pages');
    const host = await launchWebHost({ port: 0, open: false, dataDir, staticDir: dataDir, opener, openPageDir: pages, out: () => undefined, err: () => undefined });
    await host.close();
    expect(argv()).toBeNull();
    expect(existsSync(pages)).toBe(false);
  });
});

describe('the redirect page', () => {
  it('goes in the per-user runtime folder when there is one, else in the data folder', () => {
    expect(openPageFolder('/home/ana/.config/bootmend', { XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux')).toBe('/run/user/1000/bootmend');
    expect(openPageFolder('/home/ana/.config/bootmend', {}, 'linux')).toBe('/home/ana/.config/bootmend/runtime');
    expect(openPageFolder('C:\\Users\\ana\\AppData\\Roaming\\Bootmend', { XDG_RUNTIME_DIR: '/x' }, 'win32')).toMatch(/Bootmend[\\/]runtime$/);
  });

  it('escapes the URL into its HTML', () => {
    expect(openPageHtml('http://127.0.0.1:1/#token=a"><script>')).toContain('content="0;url=http://127.0.0.1:1/#token=a&quot;&gt;&lt;script&gt;"');
  });

  it.skipIf(process.platform === 'win32')('tightens a folder left with looser rights, and refuses a folder that is a symlink', async () => {
    const dir = tempDir('open-page');
    const loose = join(dir, 'loose');
    const page = await writeOpenPage(loose, 'http://127.0.0.1:1/#token=t');
    chmodSync(loose, 0o755);
    await writeOpenPage(loose, 'http://127.0.0.1:1/#token=t');
    expect(statSync(loose).mode & 0o777).toBe(0o700);
    await page.remove();
    const linked = join(dir, 'linked');
    symlinkSync(loose, linked);
    await expect(writeOpenPage(linked, 'http://127.0.0.1:1/#token=t')).rejects.toThrow(/not a folder/);
  });
});
