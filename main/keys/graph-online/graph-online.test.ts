import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BootmendError } from '../../../core/errors.js';
import type { EventJournal, JournalEvent } from '../../journal/journal.js';
import { fakeGuid, fakeRecoveryPassword, seededRng } from '../fake-keys.js';
import { GraphKeyClient } from './client.js';

/**
 * A local Microsoft Graph stand-in on 127.0.0.1: it serves the response shapes Microsoft
 * documents for the device-code flow (devicecode, then authorization_pending, then a token)
 * and for informationProtection/bitlocker/recoveryKeys (paged list with @odata.nextLink,
 * $filter=deviceId, a single key with ?$select=key, and Graph-format errors).
 */

const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.stand-in-access-token';
const rng = seededRng(77);
const DEVICE = fakeGuid(rng).toLowerCase();
/** Graph spells IDs in lower case. Keys 0 and 1 share their first 8 characters. */
const keys = Array.from({ length: 5 }, (_, i) => ({ id: fakeGuid(rng).toLowerCase(), key: fakeRecoveryPassword(rng), deviceId: i < 2 ? DEVICE : fakeGuid(rng).toLowerCase(), createdDateTime: `2024-07-1${i}T08:00:00Z`, volumeType: i === 4 ? '2' : '1' }));
keys[1]!.id = keys[0]!.id.slice(0, 8) + keys[1]!.id.slice(8);
const FORBIDDEN_ID = fakeGuid(rng).toLowerCase();
const THROTTLED_ID = keys[2]!.id;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
let server: Server;
let base: string;
let seen: Seen[] = [];
let pendingPolls = 0;
let throttleOnce = false;
let expireToken = false;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
const graphError = (code: string, message: string) => ({ error: { code, message, innerError: { date: '2024-07-19T08:00:00', 'request-id': 'r', 'client-request-id': 'c' } } });

function handle(req: IncomingMessage, body: string, res: ServerResponse): void {
  const url = new URL(req.url!, base);
  const path = url.pathname;
  if (path === `/${TENANT}/oauth2/v2.0/devicecode`) {
    return send(res, 200, { device_code: 'DEVICE-CODE-XYZ', user_code: 'B7QK-9XPL', verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 5, message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code B7QK-9XPL to authenticate.' });
  }
  if (path === `/${TENANT}/oauth2/v2.0/token`) {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') === 'refresh_token') return send(res, 200, { token_type: 'Bearer', access_token: `${TOKEN}-refreshed`, expires_in: 3600, refresh_token: 'refresh-2' });
    if (pendingPolls > 0) {
      pendingPolls -= 1;
      return send(res, 400, { error: 'authorization_pending', error_description: 'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.', error_codes: [70016] });
    }
    return send(res, 200, { token_type: 'Bearer', scope: 'https://graph.microsoft.com/BitLockerKey.Read.All', expires_in: 3600, access_token: TOKEN, refresh_token: 'refresh-1' });
  }
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('Bearer ')) return send(res, 401, graphError('InvalidAuthenticationToken', 'Access token is empty.'));
  if (expireToken && auth === `Bearer ${TOKEN}`) return send(res, 401, graphError('InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'));
  const prefix = '/v1.0/informationProtection/bitlocker/recoveryKeys';
  if (path === prefix) {
    const filter = url.searchParams.get('$filter');
    if (filter) {
      const device = /deviceId eq '([^']+)'/.exec(filter)?.[1];
      return send(res, 200, { '@odata.context': 'x', value: keys.filter((k) => k.deviceId === device).map(({ key: _k, ...rest }) => rest) });
    }
    const page = Number(url.searchParams.get('$skiptoken') ?? 0);
    const slice = keys.slice(page * 2, page * 2 + 2).map(({ key: _k, ...rest }) => rest);
    const next = page * 2 + 2 < keys.length ? { '@odata.nextLink': `${base}${prefix}?$skiptoken=${page + 1}` } : {};
    return send(res, 200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#informationProtection/bitlocker/recoveryKeys', value: slice, ...next });
  }
  if (path.startsWith(`${prefix}/`)) {
    const id = decodeURIComponent(path.slice(prefix.length + 1));
    if (id === FORBIDDEN_ID) return send(res, 403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'));
    if (id === THROTTLED_ID && throttleOnce) {
      throttleOnce = false;
      return send(res, 429, graphError('TooManyRequests', 'Too many requests.'), { 'Retry-After': '2' });
    }
    const key = keys.find((k) => k.id === id);
    if (!key) return send(res, 404, graphError('NotFound', 'Not found.'));
    const { key: password, ...rest } = key;
    return send(res, 200, url.searchParams.get('$select') === 'key' ? { ...rest, key: password } : rest);
  }
  send(res, 404, graphError('BadRequest', 'Resource not found for the segment.'));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handle(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  pendingPolls = 2;
  throttleOnce = false;
  expireToken = false;
});

class MemoryJournal implements EventJournal {
  events: JournalEvent[] = [];
  async append(event: JournalEvent): Promise<boolean> {
    this.events.push(event);
    return true;
  }
  async read() {
    return { events: this.events, damaged: [] };
  }
}

const slept: number[] = [];
function client(): GraphKeyClient {
  return new GraphKeyClient({
    tenantId: TENANT,
    clientId: CLIENT,
    version: '9.9.9',
    loginBaseUrl: base,
    graphBaseUrl: `${base}/v1.0`,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
}

async function signedIn(): Promise<GraphKeyClient> {
  const c = client();
  await c.startSignIn();
  await c.waitForToken();
  return c;
}

async function failure(promise: Promise<unknown>): Promise<BootmendError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BootmendError);
  return error as BootmendError;
}

const canonical = (id: string): string => id.toUpperCase();

describe('Microsoft Graph key lookup against a local Microsoft Graph stand-in', () => {
  it('device-code sign-in: shows Microsoft\'s message, polls through authorization_pending at the interval, then holds the token', async () => {
    slept.length = 0;
    const c = client();
    const prompt = await c.startSignIn();
    expect(prompt).toEqual({ userCode: 'B7QK-9XPL', verificationUri: 'https://microsoft.com/devicelogin', expiresIn: 900, message: expect.stringContaining('B7QK-9XPL') });
    expect(c.signedIn).toBe(false);
    await c.waitForToken();
    expect(c.signedIn).toBe(true);
    expect(slept).toEqual([5000, 5000]);
    const [devicecode, ...polls] = seen;
    expect(new URLSearchParams(devicecode!.body).get('scope')).toBe('https://graph.microsoft.com/BitLockerKey.Read.All offline_access');
    expect(new URLSearchParams(devicecode!.body).get('client_id')).toBe(CLIENT);
    expect(polls.map((p) => new URLSearchParams(p.body).get('grant_type'))).toEqual(Array(3).fill('urn:ietf:params:oauth:grant-type:device_code'));
  });

  it('an 8-character prefix lists every page (following @odata.nextLink) and matches locally; ambiguous gives candidates without passwords', async () => {
    const c = await signedIn();
    seen = [];
    const one = await c.lookup(keys[3]!.id.slice(0, 8));
    expect(one).toEqual({ kind: 'found', key: { id: canonical(keys[3]!.id), device: null, created: '2024-07-13T08:00:00.000Z', volumeType: 'operatingSystemVolume' } });
    expect(seen.map((s) => s.url)).toEqual(['/v1.0/informationProtection/bitlocker/recoveryKeys', '/v1.0/informationProtection/bitlocker/recoveryKeys?$skiptoken=1', '/v1.0/informationProtection/bitlocker/recoveryKeys?$skiptoken=2']);
    for (const request of seen) {
      expect(request.headers['user-agent']).toBe('Bootmend/9.9.9');
      expect(request.headers['ocp-client-name']).toBe('Bootmend');
      expect(request.headers['ocp-client-version']).toBe('9.9.9');
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    const both = await c.lookup(keys[0]!.id.slice(0, 8).toUpperCase());
    expect(both).toMatchObject({ kind: 'ambiguous', total: 2 });
    expect(JSON.stringify(both)).not.toMatch(/\d{6}-\d{6}/);
  });

  it('a full ID is fetched directly; a device ID is looked up with $filter=deviceId', async () => {
    const c = await signedIn();
    expect(await c.lookup(`{${keys[4]!.id}}`)).toMatchObject({ kind: 'found', key: { id: canonical(keys[4]!.id), volumeType: 'fixedDataVolume' } });
    seen = [];
    expect(await c.lookup(DEVICE)).toMatchObject({ kind: 'ambiguous', total: 2, message: expect.stringMatching(/device has 2 keys/) });
    expect(decodeURIComponent(seen.at(-1)!.url)).toContain(`$filter=deviceId eq '${DEVICE}'`);
    expect(await c.lookup('PC-BER-001')).toMatchObject({ kind: 'not-found', message: expect.stringMatching(/offline vault/) });
  });

  it('reveal fetches ?$select=key and records a key.revealed event marked graph, without the password', async () => {
    const c = await signedIn();
    const journal = new MemoryJournal();
    const revealed = await c.reveal({ id: canonical(keys[1]!.id), machine: 'PC-1', reason: 'boot loop', technician: 'Ana' }, journal);
    expect(revealed).toMatchObject({ id: canonical(keys[1]!.id), password: keys[1]!.key });
    expect(seen.at(-1)!.url).toMatch(/\?\$select=key$/);
    expect(journal.events).toEqual([expect.objectContaining({ type: 'key.revealed', keyId: canonical(keys[1]!.id), source: 'graph', machine: 'PC-1', technician: 'Ana' })]);
    expect(JSON.stringify(journal.events)).not.toContain(keys[1]!.key);
  });

  it('429 waits Retry-After once and retries', async () => {
    const c = await signedIn();
    slept.length = 0;
    throttleOnce = true;
    expect(await c.lookup(keys[2]!.id)).toMatchObject({ kind: 'found' });
    expect(slept).toEqual([2000]);
  });

  it('403 and 401 come back in plain words, never with the token', async () => {
    const c = await signedIn();
    const forbidden = await failure(c.lookup(FORBIDDEN_ID));
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.message).toMatch(/BitLockerKey\.Read\.All/);
    expect(forbidden.message).toContain('Authorization_RequestDenied');
    // A rejected token is renewed once with the refresh token.
    expireToken = true;
    expect(await c.lookup(keys[3]!.id)).toMatchObject({ kind: 'found' });
    expect(seen.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}-refreshed`);
    for (const error of [forbidden]) expect(error.message).not.toContain(TOKEN);
  });

  it('401 without a way to renew says to sign in again; a request before sign-in says to sign in', async () => {
    const c = client();
    expect((await failure(c.lookup(keys[0]!.id))).message).toMatch(/Sign in to Microsoft first/);
    const fake = new GraphKeyClient({
      tenantId: TENANT, clientId: CLIENT, version: '1', loginBaseUrl: base, graphBaseUrl: `${base}/v1.0`,
      sleep: async () => undefined,
      fetchImpl: (async (url: string | URL | Request, init?: RequestInit) => {
        const u = String(url);
        if (u.includes('/oauth2/')) {
          const form = new URLSearchParams(String(init?.body));
          return new Response(JSON.stringify(form.has('device_code') ? { access_token: TOKEN, expires_in: 3600 } : { device_code: 'd', user_code: 'u', verification_uri: 'v', expires_in: 900, interval: 1 }), { status: 200 });
        }
        return new Response(JSON.stringify(graphError('InvalidAuthenticationToken', `Token ${TOKEN} expired`)), { status: 401 });
      }) as typeof fetch,
    });
    await fake.startSignIn();
    await fake.waitForToken();
    const error = await failure(fake.lookup(keys[0]!.id));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(/Sign in again/);
    expect(error.message).not.toContain(TOKEN);
    expect(fake.signedIn).toBe(false);
  });

  it('a network failure is UNAVAILABLE naming the host; a nextLink to another server is not followed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = new GraphKeyClient({ tenantId: TENANT, clientId: CLIENT, version: '1', loginBaseUrl: `http://127.0.0.1:${port}`, graphBaseUrl: `http://127.0.0.1:${port}/v1.0` });
    const error = await failure(down.startSignIn());
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe(`Cannot reach 127.0.0.1:${port} to start the Microsoft sign-in (ECONNREFUSED): check the network connection or proxy, or use the offline vault.`);
    const redirecting = new GraphKeyClient({
      tenantId: TENANT, clientId: CLIENT, version: '1', loginBaseUrl: base, graphBaseUrl: `${base}/v1.0`, sleep: async () => undefined,
      fetchImpl: (async (url: string | URL | Request, init?: RequestInit) => {
        const u = String(url);
        if (u.includes('/oauth2/')) return fetch(url, init);
        return new Response(JSON.stringify({ value: [], '@odata.nextLink': 'https://evil.example/steal' }), { status: 200 });
      }) as typeof fetch,
    });
    pendingPolls = 0;
    await redirecting.startSignIn();
    await redirecting.waitForToken();
    expect((await failure(redirecting.lookup('ABCDEF01'))).message).toMatch(/another server/);
  });

  it('bad tenant or client ID is refused before any request', () => {
    expect(() => new GraphKeyClient({ tenantId: 'a b', clientId: CLIENT, version: '1' })).toThrow(/tenant/);
    expect(() => new GraphKeyClient({ tenantId: TENANT, clientId: 'app', version: '1' })).toThrow(/client ID/);
  });
});
