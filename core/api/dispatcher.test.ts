import { z } from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { defineMethod, mergeContracts } from './define.js';
import { createDispatcher, type HandlersOf } from './dispatcher.js';
import { JobRegistry } from './jobs.js';

/** A contract of its own: the dispatcher serves any contract (the backend's, the helpdesk's), not only the app's. */
const tally = {
  add: defineMethod({ summary: 'Adds two numbers.', input: z.object({ a: z.number(), b: z.number() }).strict(), output: z.object({ sum: z.number() }) }),
  count: defineMethod({ summary: 'Counts to n, reporting each step.', input: z.object({ n: z.number().int().min(1) }).strict(), output: z.object({ reached: z.number() }), streams: true }),
};

function setup(overrides: Partial<HandlersOf<typeof tally>> = {}) {
  const jobs = new JobRegistry();
  const handlers: HandlersOf<typeof tally> = {
    add: vi.fn(async ({ a, b }) => ({ sum: a + b })),
    count: vi.fn(async ({ n }, ctx) => {
      let reached = 0;
      for (; reached < n; reached++) {
        ctx.progress({ phase: 'counting', message: `${reached}`, bytesDone: reached, bytesTotal: n, speed: null, etaSeconds: null, fraction: reached / n });
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (ctx.signal.aborted) break;
      }
      return { reached };
    }),
    ...overrides,
  };
  return { handlers, jobs, dispatcher: createDispatcher({ contract: tally, handlers, jobs }) };
}

describe('the generic dispatcher', () => {
  it('refuses invalid input before the handler runs', async () => {
    const { dispatcher, handlers } = setup();
    const result = await dispatcher.call('add', { a: 1, b: 'two' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(handlers.add).not.toHaveBeenCalled();
  });

  it('refuses a streaming call without a job id before the handler runs', async () => {
    const { dispatcher, handlers } = setup();
    expect(await dispatcher.call('count', { n: 3 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(handlers.count).not.toHaveBeenCalled();
  });

  it('refuses a name its contract does not declare', async () => {
    const { dispatcher } = setup();
    expect(await dispatcher.call('getAppInfo', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(dispatcher.isStreaming('count')).toBe(true);
    expect(dispatcher.isStreaming('add')).toBe(false);
  });

  it('passes through what a handler answered after a cancel, instead of a bare CANCELLED', async () => {
    const { dispatcher, jobs } = setup();
    const result = await dispatcher.call('count', { n: 1000 }, { jobId: 'job-count-1', onProgress: (e) => e.bytesDone === 2 && jobs.cancel('job-count-1') });
    expect(result).toEqual({ ok: true, value: { reached: 2 } });
    expect(jobs.size).toBe(0);
  });

  it('answers CANCELLED when the handler stops by throwing on the signal', async () => {
    const { dispatcher, jobs } = setup({
      count: async (_input, ctx) => {
        jobs.cancel('job-count-2');
        ctx.signal.throwIfAborted();
        return { reached: 0 };
      },
    });
    expect(await dispatcher.call('count', { n: 5 }, { jobId: 'job-count-2' })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  });

  it('turns an answer that breaks the contract into INTERNAL, telling the log but not the caller what was wrong', async () => {
    const onInternalError = vi.fn();
    const jobs = new JobRegistry();
    const dispatcher = createDispatcher({
      contract: tally,
      jobs,
      onInternalError,
      handlers: { add: async () => ({ sum: 'lots' }) as unknown as { sum: number }, count: async () => ({ reached: 0 }) },
    });
    expect(await dispatcher.call('add', { a: 1, b: 2 })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(onInternalError).toHaveBeenCalledWith('add', expect.any(Error));
  });
});

describe('contract slices', () => {
  it('join into one contract, and a name declared twice is refused', () => {
    const merged = mergeContracts({ add: tally.add }, { count: tally.count });
    expect(Object.keys(merged)).toEqual(['add', 'count']);
    expect(() => mergeContracts({ add: tally.add }, { add: tally.add })).toThrow('Two contract slices declare the method "add".');
  });
});
