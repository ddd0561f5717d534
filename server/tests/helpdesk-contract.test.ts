import { describe, expect, it } from 'vitest';
import { restClient } from '../../core/api/rest-client.js';
import { HELPDESK_ROUTES, helpdeskContract } from '../../core/backend/helpdesk-contract.js';
import { methodNamesOf } from '../../core/api/define.js';
import { eachDatabase } from '../../test/server-harness.js';
import { apiRoutes } from '../app.js';
import type { ServerContext } from '../context.js';

/**
 * The helpdesk dashboard's reads are one contract (core/backend/helpdesk-contract.ts) that the
 * server registers and the dashboard's typed client reads by: the same zod objects on both sides,
 * and every method answered by a real server in the shape its schema says.
 */

describe('the helpdesk contract and the server', () => {
  it("registers each method's input and output schema, the very objects, on the route the client reads", () => {
    const routes = apiRoutes({ db: null, spec: { dialect: 'sqlite', path: ':memory:' }, feed: null } as unknown as ServerContext);
    for (const name of methodNamesOf(helpdeskContract)) {
      const route = routes.find((r) => r.method === 'GET' && r.url === HELPDESK_ROUTES[name].url);
      expect(route, `${name}: GET ${HELPDESK_ROUTES[name].url}`).toBeDefined();
      expect(route!.response, `${name}'s answer`).toBe(helpdeskContract[name].output);
      const input = helpdeskContract[name].input;
      const registered = route!.params ?? route!.query;
      if (registered) expect(registered, `${name}'s input`).toBe(input);
      else expect(Object.keys((input as unknown as { shape: object }).shape), `${name} takes no input`).toEqual([]);
    }
  });
});

eachDatabase("the dashboard's typed client against the server", (db) => {
  it('reads every method with paths the server accepts and answers its schema parses; a mis-shaped answer is an error naming the method', async () => {
    const s = await db.server();
    const events = ['PC-1', 'PC-2', 'PC-3'].map((hostname, i) => ({ id: crypto.randomUUID(), machine: { hostname, site: i === 2 ? 'Oslo' : 'Berlin' }, status: i === 0 ? 'fixed' : 'in_progress', at: new Date().toISOString() }));
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/events', headers: s.as('technician'), payload: { events } })).statusCode).toBe(200);
    const getJson = async (path: string, what: string): Promise<unknown> => {
      const answer = await s.app.inject({ method: 'GET', url: path, headers: s.as('helpdesk') });
      if (answer.statusCode !== 200) throw new Error(`${what}: ${answer.statusCode} ${answer.body}`);
      return answer.json();
    };
    const client = restClient(helpdeskContract, HELPDESK_ROUTES, getJson);
    expect(await client.call('whoAmI', {}, 'Signing in')).toEqual({ name: 'test helpdesk', role: 'helpdesk' });
    expect((await client.call('getSummary', {}, 'Reading the summary')).total).toBe(3);
    expect((await client.call('getBurndown', { hours: 3 }, 'Reading the burn-down')).points).toHaveLength(4);
    const page = await client.call('listMachines', { status: ['in_progress'], site: 'Berlin', limit: 1 }, 'Reading the machines');
    expect(page.machines.map((m) => m.hostname)).toEqual(['PC-2']);
    const all = await client.call('listMachines', { status: ['in_progress', 'fixed'] }, 'Reading the machines');
    expect(all.machines.map((m) => m.hostname).sort()).toEqual(['PC-1', 'PC-2', 'PC-3']);
    const detail = await client.call('getMachine', { id: page.machines[0]!.id }, 'Reading the timeline');
    expect(detail.machine.hostname).toBe('PC-2');
    expect((await client.call('listAudit', { limit: 5 }, 'Reading the key audit')).entries).toEqual([]);

    const old = restClient(helpdeskContract, HELPDESK_ROUTES, async () => ({ machines: [{ hostname: 'PC-1' }], nextCursor: null }));
    await expect(old.call('listMachines', {}, 'Reading the machines')).rejects.toThrow(/^Reading the machines failed: the server's answer to listMachines was not understood \(machines\.0\.id: /);
  });
});
