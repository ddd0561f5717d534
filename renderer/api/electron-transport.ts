import type { BootmendBridge } from '../../core/api/contract.js';
import type { Envelope, ProgressListener } from '../../core/api/envelope.js';
import type { Transport } from './transport.js';

type LooseBridge = Record<string, (input: unknown, jobId?: string, onProgress?: ProgressListener) => Promise<Envelope>>;

export function createElectronTransport(bridge: BootmendBridge): Transport {
  const loose = bridge as unknown as LooseBridge;
  return {
    kind: 'electron',
    call(name, input, stream) {
      const method = loose[name];
      if (!method) {
        return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `Bootmend has no operation called "${name}".` } });
      }
      return stream ? method(input, stream.jobId, stream.onProgress) : method(input);
    },
  };
}
