import { EnvelopeSchema, HTTP_API_PREFIX, JOB_HEADER, StreamMessageSchema, TOKEN_HEADER, type Envelope, type ProgressListener } from '../../core/api/envelope.js';
import type { Transport } from './transport.js';

const TOKEN_KEY = 'bootmend.token';

/**
 * The web host hands the page its per-launch token once, in the URL fragment (never
 * sent to a server, never in a log). Keep it for this tab only and wipe it from the
 * address bar so it is not bookmarked or shared in a screenshot.
 */
export function takeTokenFromLocation(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match) {
    storage.setItem(TOKEN_KEY, match[1]!);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1]!;
  }
  return storage.getItem(TOKEN_KEY);
}

export function createWebTransport(token: string, base = ''): Transport {
  return {
    kind: 'web',
    async call(name, input, stream) {
      const headers: Record<string, string> = { 'content-type': 'application/json', [TOKEN_HEADER]: token };
      if (stream) headers[JOB_HEADER] = stream.jobId;
      let response: Response;
      try {
        response = await fetch(`${base}${HTTP_API_PREFIX}${encodeURIComponent(name)}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(input ?? {}),
          cache: 'no-store',
        });
      } catch {
        return unavailable();
      }
      if (stream && response.ok && (response.headers.get('content-type') ?? '').startsWith('text/event-stream') && response.body) {
        return readEventStream(response.body, stream.onProgress);
      }
      return readEnvelope(response);
    },
  };
}

async function readEnvelope(response: Response): Promise<Envelope> {
  try {
    return EnvelopeSchema.parse(await response.json()) as Envelope;
  } catch {
    return {
      ok: false,
      error: { code: 'UNAVAILABLE', message: `The Bootmend service answered ${response.status} without a readable result.` },
    };
  }
}

/** Server-sent events over the POST response: `event: progress` lines, then one `event: result`. */
async function readEventStream(body: ReadableStream<Uint8Array>, onProgress: ProgressListener): Promise<Envelope> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      return unavailable();
    }
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) {
        const message = StreamMessageSchema.safeParse(JSON.parse(data));
        if (message.success) {
          if (message.data.type === 'progress') onProgress(message.data.event);
          else return message.data.envelope as Envelope;
        }
      }
      boundary = buffer.indexOf('\n\n');
    }
  }
  return unavailable();
}

function unavailable(): Envelope {
  return {
    ok: false,
    error: { code: 'UNAVAILABLE', message: 'Lost the connection to the Bootmend service. Is it still running? Restart it with `npm start`.' },
  };
}
