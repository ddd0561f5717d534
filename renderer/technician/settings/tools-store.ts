import { create } from 'zustand';
import type { Tool } from '../../../core/settings/contract.js';
import type { ApiClient } from '../../api/client.js';
import { IDLE_JOB, jobRunner, type JobState } from '../../state/job.js';

/** The Settings screen's environment check (a streaming checkTools job); survives leaving the screen. */
interface ToolCheckState {
  check: JobState<Tool[]>;
  /** The last complete list, kept while a new check runs and after one is cancelled or fails. */
  tools: Tool[] | null;
  finishedAt: string | null;
  run(client: ApiClient): Promise<void>;
  cancel(): void;
}

export const useToolCheck = create<ToolCheckState>()((set, get) => {
  const job = jobRunner<ToolCheckState, Tool[]>({ set, get, read: (s) => s.check, write: (check) => ({ check }) });
  return {
    check: IDLE_JOB,
    tools: null,
    finishedAt: null,
    async run(client) {
      await job.run(async (signals) => (await client.stream('checkTools', {}, signals)).tools, {
        done: (tools) => ({ tools, finishedAt: new Date().toISOString() }),
      });
    },
    cancel() {
      job.cancel();
    },
  };
});
