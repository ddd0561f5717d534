import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, createAppProtocolHandler, isAppUrl, isExternalWebUrl, resolveAppFile } from './app-protocol.js';

// <tmp>/secret.txt sits next to the renderer build; nothing under bootmend://app may reach it.
const root = mkdtempSync(join(tmpdir(), 'bootmend-protocol-'));
const rendererDir = join(root, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET-RECOVERY-KEY');
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}');
writeFileSync(join(rendererDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
writeFileSync(join(rendererDir, 'assets', 'font.woff2'), 'x');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const serve = createAppProtocolHandler(rendererDir);
const get = (url: string, method = 'GET') => serve(new Request(url, { method }));

describe('bootmend:// protocol handler', () => {
  it('serves index.html for the app root and for /index.html', async () => {
    for (const url of ['bootmend://app/', 'bootmend://app/index.html']) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(await response.text()).toContain('<!doctype html>');
    }
  });

  it('answers with the right MIME type per file', async () => {
    const expected: Record<string, RegExp> = {
      'index.html': /^text\/html/,
      'assets/app.js': /^text\/javascript/,
      'assets/app.css': /^text\/css/,
      'assets/logo.svg': /^image\/svg\+xml$/,
      'assets/font.woff2': /^font\/woff2$/,
    };
    for (const [path, type] of Object.entries(expected)) {
      const response = await get(`bootmend://app/${path}`);
      expect(response.headers.get('content-type'), path).toMatch(type);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('sends the Content-Security-Policy header on every response, errors included', async () => {
    for (const url of ['bootmend://app/index.html', 'bootmend://app/missing.js', 'bootmend://app/../secret.txt']) {
      const csp = (await get(url)).headers.get('content-security-policy') ?? '';
      expect(csp, url).toBe(CONTENT_SECURITY_POLICY);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
    }
  });

  it('refuses path traversal, plain and percent-encoded, and never returns the file outside', async () => {
    const attempts = [
      'bootmend://app/../secret.txt',
      'bootmend://app/../../etc/passwd',
      'bootmend://app/%2e%2e/secret.txt',
      'bootmend://app/%2E%2E/%2E%2E/etc/passwd',
      'bootmend://app/..%2fsecret.txt',
      'bootmend://app/assets/..%2f..%2fsecret.txt',
      'bootmend://app/%2e%2e%2fsecret.txt',
      'bootmend://app/..%5csecret.txt',
      'bootmend://app/assets%5c..%5c..%5csecret.txt',
      'bootmend://app/%252e%252e/secret.txt',
      'bootmend://app/assets/%00../../secret.txt',
      'bootmend://app/%E0%A4%A',
    ];
    for (const url of attempts) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('TOP-SECRET');
    }
  });

  it('resolves nothing outside the renderer folder (resolveAppFile)', () => {
    expect(resolveAppFile(rendererDir, 'bootmend://app/assets/app.js')).toBe(join(rendererDir, 'assets', 'app.js'));
    expect(resolveAppFile(rendererDir, 'bootmend://app/..%2fsecret.txt')).toBeNull();
    expect(resolveAppFile(rendererDir, 'bootmend://other/index.html')).toBeNull();
    expect(resolveAppFile(rendererDir, 'https://app/index.html')).toBeNull();
  });

  it('serves only the app host, only files (not folders), and only GET/HEAD', async () => {
    expect((await get('bootmend://evil/index.html')).status).toBe(404);
    expect((await get('bootmend://app/assets')).status).toBe(404);
    expect((await get('bootmend://app/index.html', 'POST')).status).toBe(405);
    const head = await get('bootmend://app/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('URL classification', () => {
  it('recognises only bootmend://app as the app', () => {
    expect(isAppUrl('bootmend://app/index.html')).toBe(true);
    expect(isAppUrl('bootmend://app/index.html#/recover')).toBe(true);
    for (const url of ['bootmend://app.evil/index.html', 'bootmend://user:pw@app/', 'bootmend://evil/', 'https://app/', 'file:///app/index.html', '', 'nonsense']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('treats only http(s) as pages for the system browser', () => {
    expect(isExternalWebUrl('https://example.com')).toBe(true);
    expect(isExternalWebUrl('http://example.com')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'ms-settings:', 'smb://host/share', 'bootmend://app/']) {
      expect(isExternalWebUrl(url), url).toBe(false);
    }
  });
});
