import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { HTTP_API_PREFIX, JOB_HEADER, TOKEN_HEADER, type Envelope } from '../../core/api/envelope.js';
import type { ErrorCode } from '../../core/errors.js';
import type { ProgressEvent } from '../../core/progress.js';
import type { Dispatcher } from '../../core/api/dispatcher.js';
import { newToken, refuseForeign, SECURITY_HEADERS, tokenMatches } from './security.js';
import { createReadStream, mimeType, resolveStatic } from './static-files.js';

export interface WebHostOptions {
  dispatcher: Dispatcher;
  /** The renderer build (dist/renderer). */
  staticDir: string;
  /** 0 or absent: a random free port. */
  port?: number;
  /** For tests; a launch normally gets a fresh random token. */
  token?: string;
  /** One line per refused request (never the token or a request body). */
  log?: (line: string) => void;
}

export interface WebHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** Key exports dropped on the Keys screen travel as text in the request (a large site's AD export is tens of MB). */
const LARGE_BODY_BYTES: Partial<Record<string, number>> = { importKeys: 64 * 1024 * 1024 };

/** Own keys only: `/api/constructor` must not find Object.prototype.constructor (a function: no limit at all). */
function bodyLimit(method: string): number {
  return Object.hasOwn(LARGE_BODY_BYTES, method) ? (LARGE_BODY_BYTES[method] ?? MAX_BODY_BYTES) : MAX_BODY_BYTES;
}
const LOOPBACK = '127.0.0.1';

const STATUS_FOR: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_METHOD: 404,
  NOT_FOUND: 404,
  CANCELLED: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  UNAVAILABLE: 503,
  IO_ERROR: 500,
  INTERNAL: 500,
};

/**
 * The web host: the renderer build and the local API over HTTP, on 127.0.0.1 only,
 * guarded by a per-launch token. Used where Electron is absent and by the e2e suite.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? newToken();
  const staticDir = resolve(options.staticDir);
  const log = options.log ?? (() => undefined);
  let port = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, failure('INTERNAL', 'The Bootmend web host failed to answer this request.'));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    const refusal = refuseForeign(req, port, { api: path.startsWith(HTTP_API_PREFIX) });
    if (refusal) {
      log(`refused ${req.method} ${path}: ${refusal}`);
      sendJson(res, 403, failure('FORBIDDEN', `Refused: ${refusal}.`));
      return;
    }
    if (path.startsWith(HTTP_API_PREFIX)) {
      await handleApi(req, res, decodeURIComponent(path.slice(HTTP_API_PREFIX.length)));
      return;
    }
    await handleStatic(req, res, path);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (!tokenMatches(token, req.headers[TOKEN_HEADER])) {
      log(`refused ${req.method} /api/${name}: missing or wrong token`);
      sendJson(res, 401, failure('UNAUTHORIZED', 'This request has no valid Bootmend access token. Open the BOOTMEND_URL printed at start.'));
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendJson(res, 405, failure('INVALID_INPUT', 'API calls use POST.'));
      return;
    }
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      sendJson(res, 415, failure('INVALID_INPUT', 'API calls send JSON (content-type: application/json).'));
      return;
    }
    const limit = bodyLimit(name);
    const body = await readBody(req, limit);
    if (body === 'too-large') {
      sendJson(res, 413, failure('INVALID_INPUT', `The request is larger than ${formatLimit(limit)}.`));
      return;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      sendJson(res, 400, failure('INVALID_INPUT', 'The request body is not valid JSON.'));
      return;
    }

    const disconnected = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) disconnected.abort();
    });

    if (!options.dispatcher.isStreaming(name)) {
      const envelope = await options.dispatcher.call(name, input, { signal: disconnected.signal });
      sendJson(res, envelope.ok ? 200 : STATUS_FOR[envelope.error.code], envelope);
      return;
    }

    const jobHeader = req.headers[JOB_HEADER];
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const send = (event: string, data: unknown): void => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const envelope = await options.dispatcher.call(name, input, {
      jobId: typeof jobHeader === 'string' ? jobHeader : undefined,
      signal: disconnected.signal,
      onProgress: (event: ProgressEvent) => send('progress', { type: 'progress', event }),
    });
    send('result', { type: 'result', envelope });
    res.end();
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await resolveStatic(staticDir, path);
    if (!file) {
      if (path === '/') {
        res.writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The Bootmend screens are not built yet (${staticDir} has no index.html). Run: npm run build:renderer\n`);
        return;
      }
      res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': mimeType(file.path),
      'content-length': String(file.size),
      'cache-control': file.path.endsWith('.html') ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file.path).pipe(res);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;

  return {
    origin,
    port,
    token,
    url: `${origin}/#token=${token}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

function pathOf(req: IncomingMessage): string {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function failure(code: ErrorCode, message: string): Envelope {
  return { ok: false, error: { code, message } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | 'too-large'> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(tooLarge ? 'too-large' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
