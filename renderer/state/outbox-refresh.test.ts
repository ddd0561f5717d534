import { beforeEach, describe, expect, it } from 'vitest';
import { BootmendError } from '../../core/errors.js';
import { fakeClient } from './fake-client.js';
import { refreshStatusAfterOutboxWrites } from './outbox-refresh.js';
import { useStatus } from './resources.js';

let waiting = 0;
const status = () => ({
  backend: { state: 'not-configured' as const, url: null, checkedAt: null, detail: null },
  journal: { pendingSync: waiting },
  sync: { target: { source: null, problem: 'no-url' as const }, waiting, running: false, lastSyncAt: null, failure: null, nextAttemptAt: null, lastReport: null },
});

async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('the status bar after a call that adds to the outbox', () => {
  beforeEach(() => {
    waiting = 0;
    useStatus.setState({ data: null, error: null } as never);
  });

  it('reads the status again as soon as an event is recorded, not at the next poll', async () => {
    const fake = fakeClient({
      getStatus: status,
      recordEvent: () => {
        waiting += 1;
        return {} as never;
      },
    });
    const client = refreshStatusAfterOutboxWrites(fake);
    await client.call('recordEvent', {} as never);
    await settled();
    expect(fake.calls.map((c) => c.name)).toEqual(['recordEvent', 'getStatus']);
    expect(useStatus.getState().data?.sync.waiting).toBe(1);
  });

  it('also after reading a stick (a streaming call), and not after reads or failed writes', async () => {
    const fake = fakeClient({
      getStatus: status,
      ingestResults: () => ({}) as never,
      listMachines: () => ({}) as never,
      recordEvent: () => {
        throw new BootmendError('INVALID_INPUT', 'refused');
      },
    });
    const client = refreshStatusAfterOutboxWrites(fake);
    await client.call('listMachines', {} as never);
    await expect(client.call('recordEvent', {} as never)).rejects.toThrow('refused');
    await client.stream('ingestResults', {} as never, { onProgress: () => undefined });
    await settled();
    expect(fake.calls.map((c) => c.name)).toEqual(['listMachines', 'recordEvent', 'ingestResults', 'getStatus']);
  });
});
