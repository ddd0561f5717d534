import { formatBytes, formatDuration, type ProgressEvent } from '../../core/progress.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stderr is an interactive terminal: draw a live progress bar. */
  tty: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: Boolean(process.stderr.isTTY),
};

/**
 * Progress for a terminal (one redrawn line on stderr) or for scripts (`--json`: one
 * JSON object per line on stderr), leaving stdout for the result alone.
 */
export function progressPrinter(io: Io, json: boolean): { onProgress: (event: ProgressEvent) => void; done: () => void } {
  let drawn = false;
  return {
    onProgress(event) {
      if (json) {
        io.err(`${JSON.stringify({ type: 'progress', ...event })}\n`);
        return;
      }
      if (!io.tty) return;
      io.err(`\r\x1b[2K${renderBar(event)}`);
      drawn = true;
    },
    done() {
      if (drawn) io.err('\r\x1b[2K');
    },
  };
}

export function renderBar(event: ProgressEvent, width = 28): string {
  const fraction = event.fraction ?? 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const percent = event.fraction === null ? '  ?%' : `${String(Math.round(fraction * 100)).padStart(3)}%`;
  const speed = event.speed === null ? '' : ` ${formatBytes(event.speed)}/s`;
  const eta = event.etaSeconds === null ? '' : ` ETA ${formatDuration(event.etaSeconds)}`;
  return `${bar} ${percent}${speed}${eta}  ${event.message}`;
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}
