import type { Envelope, ProgressListener } from '../../core/api/envelope.js';

/** How a call reaches the privileged side: Electron's preload bridge or the web host over HTTP. */
export interface Transport {
  readonly kind: 'electron' | 'web';
  call(name: string, input: unknown, stream?: { jobId: string; onProgress: ProgressListener }): Promise<Envelope>;
}
