import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, methodNames } from '../../core/api/contract.js';
import { createDispatcher, type HandlersOf } from '../../core/api/dispatcher.js';
import { JobRegistry } from '../../core/api/jobs.js';
import { recordingDispatcher } from '../../test/recording-dispatcher.js';
import { tempDir } from '../../test/temp.js';
import { requireCapability } from '../../test/tools.js';
import { startWebHost, type WebHost } from './server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const staticDir = tempDir('static');
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Bootmend</title>');
writeFileSync(join(staticDir, 'app.js'), 'console.log(1)');
const dispatcher = recordingDispatcher();
let host: WebHost;

beforeAll(async () => {
  host = await startWebHost({ dispatcher, staticDir, token: 'test-token-0123456789abcdef0123456789abcd' });
});
afterAll(() => host.close());

const api = (name: string, headers: Record<string, string> = {}, body = '{}') =>
  send(host.port, {
    method: 'POST',
    path: `/api/${name}`,
    headers: { 'content-type': 'application/json', 'x-bootmend-token': host.token, ...headers },
    body,
  });

describe('web host: serving the renderer', () => {
  it('listens on 127.0.0.1 and prints a URL carrying the token in the fragment', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
  });

  it('serves the renderer with a strict content security policy', async () => {
    const reply = await send(host.port, { path: '/' });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<title>Bootmend</title>');
    expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect((await send(host.port, { path: '/app.js' })).headers['content-type']).toMatch(/javascript/);
  });

  it.each(['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%00index.html'])('refuses to serve files outside the build: %s', async (path) => {
    const reply = await send(host.port, { path });
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('root:');
  });

  it('is not reachable on other network interfaces', async (ctx) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    requireCapability('a non-loopback IPv4 address', { for: 'the web host refusing other interfaces', present: external !== undefined, howTo: 'a network interface besides lo' }).check(ctx);
    if (!external) return;
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: external.address, port: host.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(outcome).not.toBe('connected');
  });
});

describe('web host: the token and the origin guard', () => {
  it('refuses an API call without the token (401)', async () => {
    const reply = await send(host.port, { method: 'POST', path: '/api/getAppInfo', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('refuses a wrong token of the same length (401)', async () => {
    const reply = await api('getAppInfo', { 'x-bootmend-token': host.token.replace(/.$/, 'x') });
    expect(reply.status).toBe(401);
  });

  it('refuses a foreign Host header even with the token — DNS rebinding (403)', async () => {
    const reply = await api('getAppInfo', { host: `attacker.example:${host.port}` });
    expect(reply.status).toBe(403);
    expect((await send(host.port, { path: '/', headers: { host: 'attacker.example' } })).status).toBe(403);
  });

  it.each(['http://attacker.example', `http://127.0.0.1:${1}`, 'null', 'https://127.0.0.1'])('refuses a request from another origin: %s (403)', async (origin) => {
    const reply = await api('getAppInfo', { origin });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('refuses a cross-site fetch marked by the browser (403)', async () => {
    expect((await api('getAppInfo', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('lets a cross-site page load through (the hop from the local redirect page), but no cross-site API call or sub-resource fetch', async () => {
    const navigate = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    expect((await send(host.port, { path: '/', headers: navigate })).status).toBe(200);
    expect((await api('getAppInfo', navigate)).status).toBe(403);
    expect((await send(host.port, { path: '/app.js', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' } })).status).toBe(403);
    expect((await send(host.port, { path: '/', headers: { ...navigate, host: `attacker.example:${host.port}` } })).status).toBe(403);
  });

  it('accepts its own origin, and says so when a method does not exist', async () => {
    expect((await api('getAppInfo', { origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await api('getAppInfo', { origin: `http://localhost:${host.port}`, host: `localhost:${host.port}` })).status).toBe(200);
  });

  it('accepts only JSON POSTs of a sane size', async () => {
    expect((await api('getAppInfo', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await api('getAppInfo', {}, '{not json')).status).toBe(400);
    expect((await api('getAppInfo', {}, JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }))).status).toBe(413);
    // A dropped key export may be tens of MB: importKeys alone takes bodies up to 64 MiB.
    const bigImport = await api('importKeys', {}, JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(bigImport.status).not.toBe(413);
    expect((await api('importKeys', {}, JSON.stringify({ pad: 'x'.repeat(65 * 1024 * 1024) }))).status).toBe(413);
    const get = await send(host.port, { path: '/api/getAppInfo', headers: { 'x-bootmend-token': host.token } });
    expect(get.status).toBe(405);
  });
});

describe('web host: every declared method is reachable', () => {
  it('routes each method of the contract to the dispatcher, streaming ones over server-sent events', async () => {
    dispatcher.calls.length = 0;
    for (const name of methodNames) {
      const reply = await api(name, contract[name].streams ? { 'x-bootmend-job': `job-${name}-1` } : {});
      expect(reply.status, name).toBe(200);
      if (contract[name].streams) {
        expect(reply.headers['content-type']).toMatch(/^text\/event-stream/);
        const blocks = reply.body.trim().split('\n\n');
        expect(blocks[0]).toMatch(/^event: progress\ndata: /);
        expect(JSON.parse(blocks.at(-1)!.split('data: ')[1]!)).toEqual({ type: 'result', envelope: { ok: true, value: { method: name } } });
      } else {
        expect(JSON.parse(reply.body)).toEqual({ ok: true, value: { method: name } });
      }
    }
    expect(dispatcher.calls.map((c) => c.name)).toEqual(methodNames);
    expect(dispatcher.calls.filter((c) => c.options.jobId).map((c) => c.name)).toEqual(methodNames.filter((n) => contract[n].streams));
  });
});

describe('web host: names that exist on every JavaScript object are not methods', () => {
  // The real dispatcher (the recording one answers every name), with no handler ever reached.
  const real = createDispatcher({ contract, handlers: {} as HandlersOf<typeof contract>, jobs: new JobRegistry() });
  let plain: WebHost;
  beforeAll(async () => {
    plain = await startWebHost({ dispatcher: real, staticDir, token: 'test-token-0123456789abcdef0123456789abcd' });
  });
  afterAll(() => plain.close());
  const call = (name: string, body: string) =>
    send(plain.port, { method: 'POST', path: `/api/${name}`, headers: { 'content-type': 'application/json', 'x-bootmend-token': plain.token }, body });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('/api/%s answers 404 UNKNOWN_METHOD, and a body over 1 MiB is refused (413) before that', async (name) => {
    const small = await call(name, '{}');
    expect(small.status).toBe(404);
    expect(JSON.parse(small.body)).toEqual({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `Bootmend has no operation called "${name}".` } });
    const big = await call(name, JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'The request is larger than 1 MiB.' } });
  });
});
