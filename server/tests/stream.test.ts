import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { expect, it } from 'vitest';
import { eachDatabase, type TestServer } from '../../test/server-harness.js';

interface Stream {
  status: number;
  /** Resolves with the first `event: machines` whose data names the hostname. */
  next(hostname: string, timeoutMs?: number): Promise<{ machines: { id: string; hostname: string; status: string }[] }>;
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
      resolve({
        status: res.statusCode ?? 0,
        next: (hostname, timeoutMs = 2000) =>
          new Promise((done, fail) => {
            const check = () => {
              const hit = messages.find((m) => m.event === 'machines' && m.data.includes(`"hostname":"${hostname}"`));
              if (!hit) return;
              waiters.delete(check);
              clearTimeout(timer);
              done(JSON.parse(hit.data) as never);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no change for ${hostname} on the stream within ${timeoutMs} ms`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
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
  }
});
