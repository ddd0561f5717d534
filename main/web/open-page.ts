import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The page the browser is pointed at instead of the tokenized URL. Another process's
 * arguments are readable by every local user (`ps`, /proc/<pid>/cmdline), so the opener
 * (xdg-open, open, explorer) gets only the path of this file; the file, readable by this user
 * alone, redirects to the URL with the token. Jupyter does the same with its
 * `jpserver-<pid>-open.html`.
 */

export interface OpenPage {
  readonly path: string;
  /** Deletes the page (at shutdown: the token dies with the host anyway). */
  remove(): Promise<void>;
}

/**
 * Where the page goes: the per-user runtime folder when the system has one (XDG_RUNTIME_DIR
 * on Linux: a tmpfs only this user can enter, emptied at logout), else a `runtime` folder in
 * the data folder (on Windows %APPDATA% is private to the user already).
 */
export function openPageFolder(dataDir: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32' && env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'bootmend');
  return join(dataDir, 'runtime');
}

/** The redirect page's HTML: a refresh to `url` at once, and a link for a browser that blocks it. */
export function openPageHtml(url: string): string {
  const href = escapeHtml(url);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${href}">`,
    '<title>Opening Bootmend</title>',
    '</head>',
    '<body>',
    `<p>Opening Bootmend. If nothing happens, <a href="${href}">open Bootmend here</a>.</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Writes the page into `folder` (made 0700, and refused when it is a symlink or not a folder),
 * as a new file of mode 0600 that never follows a link, named `web-<pid>-<random>-open.html`.
 */
export async function writeOpenPage(folder: string, url: string): Promise<OpenPage> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const info = await lstat(folder);
  if (!info.isDirectory()) throw new Error(`${folder} is not a folder (a link or a file is in its place); the browser page was not written.`);
  if (process.platform !== 'win32') {
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) throw new Error(`${folder} belongs to another user; the browser page was not written.`);
    // An older folder may have been made with looser rights.
    await chmod(folder, 0o700);
  }
  const path = join(folder, `web-${process.pid}-${randomBytes(4).toString('hex')}-open.html`);
  // 'wx': O_CREAT | O_EXCL, so an existing file or a planted symlink is never written through.
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(openPageHtml(url), 'utf8');
  } finally {
    await handle.close();
  }
  return { path, remove: () => rm(path, { force: true }) };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
