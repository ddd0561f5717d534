import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints on their own thread. SQLite otherwise checkpoints inside whichever commit
 * pushes the WAL past 1,000 pages: that commit then copies the WAL into the database file and
 * syncs it, on the event loop, while every waiting request waits too (37 % of the server's time
 * under bench:server's load). Here a worker with its own connection copies the WAL back every
 * `intervalMs` (PASSIVE: never waits for, nor blocks, the writer), and the next write restarts the
 * WAL once it is all copied. The main connection still checkpoints a WAL past 16 MiB: by then this
 * thread has copied nearly all of it, so that commit only copies the rest and the WAL restarts.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
let timer = null;
const tick = () => {
  let behind = false;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    behind = result.checkpointed < result.log;
  } catch (error) {
    parentPort.postMessage({ failed: String(error && error.message ? error.message : error) });
  }
  // Frames written meanwhile: copy them soon, so the WAL is all copied when the writer next begins (and restarts it).
  timer = setTimeout(tick, behind ? 5 : workerData.intervalMs);
};
tick();
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, options: { intervalMs?: number; onFailure?: (message: string) => void } = {}): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, module, intervalMs: options.intervalMs ?? 100 } });
  const report = options.onFailure ?? ((message: string) => console.error(`bootmend-server: background checkpoint failed (the next commits checkpoint instead): ${message}`));
  worker.on('message', (message: { failed?: string }) => {
    if (message.failed) report(message.failed);
  });
  worker.on('error', (error) => report(error.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // The server's exit must not wait for this thread.
  worker.unref();
  return {
    stop: async () => {
      // Held again while it stops: an unref'd thread's exit cannot keep the process waiting for it,
      // so a close with nothing else pending (the demo's end, a script's last line) never returned.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
