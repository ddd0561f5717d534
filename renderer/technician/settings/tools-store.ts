import { create } from 'zustand';
import type { Tool } from '../../../core/settings/contract.js';
import type { ProgressEvent } from '../../../core/progress.js';
import type { ApiClient } from '../../api/client.js';
import { describeError, isCancelled } from '../../state/errors.js';

export type ToolCheckPhase = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

/** The Settings screen's environment check (a streaming checkTools job); survives leaving the screen. */
interface ToolCheckState {
  phase: ToolCheckPhase;
  progress: ProgressEvent | null;
  tools: Tool[] | null;
  error: string | null;
  finishedAt: string | null;
  run(client: ApiClient): Promise<void>;
  cancel(): void;
}

let controller: AbortController | null = null;

export const useToolCheck = create<ToolCheckState>()((set, get) => ({
  phase: 'idle',
  progress: null,
  tools: null,
  error: null,
  finishedAt: null,
  async run(client) {
    const phase = get().phase;
    if (phase === 'running' || phase === 'cancelling') return;
    controller = new AbortController();
    set({ phase: 'running', progress: null, error: null });
    try {
      const { tools } = await client.stream('checkTools', {}, { signal: controller.signal, onProgress: (progress) => set({ progress }) });
      set({ phase: 'done', tools, finishedAt: new Date().toISOString() });
    } catch (error) {
      if (isCancelled(error) || controller.signal.aborted) set({ phase: 'cancelled', progress: null });
      else set({ phase: 'failed', error: describeError(error), progress: null });
    } finally {
      controller = null;
    }
  },
  cancel() {
    if (!controller || get().phase !== 'running') return;
    set({ phase: 'cancelling' });
    controller.abort();
  },
}));
