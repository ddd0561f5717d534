import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { expect, it, onTestFinished } from 'vitest';
import { revokeToken } from '../auth/tokens.js';
import { MasterKey } from '../escrow/seal.js';
import { eachDatabase, type TestServer } from '../../test/server-harness.js';

interface Stream {
  status: number;
  /** Resolves with the first `event: machines` whose data names the hostname. */
  next(hostname: string, timeoutMs?: number): Promise<{ machines: { id: string; hostname: string; status: string }[] }>;
  /** Resolves at the first `event: audit` (a new escrow audit entry). */
  nextAudit(timeoutMs?: number): Promise<void>;
  close(): void;
}

function openStream(url: string, token: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/stream`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
      let buffer = '';
      const messages: { event: string; data: string }[] = [];
      const waiters = new Set<() => void>();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) messages.push({ event, data });
        }
        for (const wake of waiters) wake();
      });
      const waitFor = (match: (m: { event: string; data: string }) => boolean, what: string, timeoutMs: number) =>
        new Promise<{ event: string; data: string }>((done, fail) => {
          const check = () => {
            const hit = messages.find(match);
            if (!hit) return;
            waiters.delete(check);
            clearTimeout(timer);
            done(hit);
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            fail(new Error(`no ${what} on the stream within ${timeoutMs} ms`));
          }, timeoutMs);
          waiters.add(check);
          check();
        });
      resolve({
        status: res.statusCode ?? 0,
        next: (hostname, timeoutMs = 2000) => waitFor((m) => m.event === 'machines' && m.data.includes(`"hostname":"${hostname}"`), `a change for ${hostname}`, timeoutMs).then((hit) => JSON.parse(hit.data) as never),
        nextAudit: (timeoutMs = 2000) => waitFor((m) => m.event === 'audit', 'an audit entry', timeoutMs).then(() => undefined),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function postEvent(url: string, token: string, hostname: string, status = 'fixed'): Promise<void> {
  const res = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ id: randomUUID(), machine: { hostname, site: 'Berlin' }, status, at: new Date().toISOString() }] }),
  });
  expect(res.status).toBe(200);
}

/**
 * One address in front of several instances, as a TCP load balancer does it: each new
 * connection goes to the next instance in turn. Resolves with its URL and which instance each
 * connection went to.
 */
async function roundRobin(targets: string[]): Promise<{ url: string; sent: number[] }> {
  const sent: number[] = [];
  const server: Server = createServer((client) => {
    const index = sent.length % targets.length;
    sent.push(index);
    const target = new URL(targets[index]!);
    const upstream = connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, sent };
}

/** Posts on a connection of its own (no keep-alive), so a round-robin balancer picks an instance for each. */
function postOnNewConnection(url: string, token: string, hostname: string): Promise<number> {
  const body = JSON.stringify({ events: [{ id: randomUUID(), machine: { hostname, site: 'Berlin' }, status: 'fixed', at: new Date().toISOString() }] });
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/events`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function getOnNewConnection(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

eachDatabase('GET /api/v1/stream', (db) => {
  it('tells a helpdesk stream about a machine a technician just fixed, within 2 s', async () => {
    const s: TestServer = await db.server({ listen: true });
    const stream = await openStream(s.url, s.tokens.helpdesk);
    try {
      expect(stream.status).toBe(200);
      const seen = stream.next('PC-LIVE');
      await postEvent(s.url, s.tokens.technician, 'PC-LIVE');
      expect((await seen).machines).toEqual([expect.objectContaining({ hostname: 'PC-LIVE', status: 'fixed' })]);
    } finally {
      stream.close();
    }
    const technician = await openStream(s.url, s.tokens.technician);
    technician.close();
    expect(technician.status).toBe(403);
  });

  it('a key lookup made through any instance tells every dashboard stream to read the audit again, within 2 s', async () => {
    const spec = await db.freshSpec();
    const masterKey = MasterKey.fromBytes(randomBytes(32), 'test');
    const a = await db.server({ listen: true, spec, build: { masterKey } });
    // SQLite serves one instance; on PostgreSQL the lookup goes to a second one.
    const b = db.dialect === 'postgres' ? await db.server({ listen: true, spec, build: { masterKey } }) : a;
    const stream = await openStream(a.url, a.tokens.helpdesk);
    try {
      const heard = stream.nextAudit();
      const res = await fetch(`${b.url}/api/v1/keys/lookup`, { method: 'POST', headers: { authorization: `Bearer ${b.tokens.technician}`, 'content-type': 'application/json' }, body: JSON.stringify({ keyId: 'AB12CD34', machine: 'PC-1', reason: 'boot loop' }) });
      expect(res.status).toBe(404);
      await heard;
    } finally {
      stream.close();
    }
  });

  if (db.dialect === 'postgres') {
    it('fans changes out across two instances on one PostgreSQL (LISTEN/NOTIFY): posted to one, streamed from both', async () => {
      const spec = await db.freshSpec();
      const a = await db.server({ listen: true, spec });
      const b = await db.server({ listen: true, spec });
      const fromA = await openStream(a.url, a.tokens.helpdesk);
      const fromB = await openStream(b.url, a.tokens.admin);
      try {
        const onA = fromA.next('PC-TWIN');
        const onB = fromB.next('PC-TWIN');
        await postEvent(b.url, b.tokens.technician, 'PC-TWIN');
        await Promise.all([onA, onB]);
        const list = await fetch(`${a.url}/api/v1/machines?q=PC-TWIN`, { headers: { authorization: `Bearer ${b.tokens.helpdesk}` } });
        expect(((await list.json()) as { machines: { status: string }[] }).machines).toEqual([expect.objectContaining({ status: 'fixed' })]);
      } finally {
        fromA.close();
        fromB.close();
      }
    });

    it('two instances behind one address: each dashboard stream hears every fix, whichever instance took it; a revoked token is refused by both within 2 s', async () => {
      const spec = await db.freshSpec();
      const a = await db.server({ listen: true, spec });
      const b = await db.server({ listen: true, spec });
      const front = await roundRobin([a.url, b.url]);
      // Two dashboards: the balancer sends the first to A and the second to B.
      const first = await openStream(front.url, a.tokens.helpdesk);
      const second = await openStream(front.url, a.tokens.helpdesk);
      try {
        expect(front.sent).toEqual([0, 1]);
        const hosts = ['PC-FRONT-1', 'PC-FRONT-2', 'PC-FRONT-3', 'PC-FRONT-4'];
        const heard = hosts.flatMap((h) => [first.next(h), second.next(h)]);
        for (const hostname of hosts) expect(await postOnNewConnection(front.url, a.tokens.technician, hostname)).toBe(200);
        expect(front.sent).toEqual([0, 1, 0, 1, 0, 1]);
        await Promise.all(heard);
      } finally {
        first.close();
        second.close();
      }
      // Each instance made its own "test helpdesk" token in the shared database: both are revoked.
      expect(await revokeToken(a.store.db, 'test helpdesk')).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const answers = [await getOnNewConnection(`${front.url}/api/v1/summary`, a.tokens.helpdesk), await getOnNewConnection(`${front.url}/api/v1/summary`, a.tokens.helpdesk)];
      expect(front.sent.slice(-2)).toEqual([0, 1]);
      expect(answers).toEqual([401, 401]);
    });
  }
});
