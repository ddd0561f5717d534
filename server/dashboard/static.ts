import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:helpdesk` writes the dashboard (renderer/helpdesk/vite.config.ts). */
export const HELPDESK_DIST = fileURLToPath(new URL('../../dist/helpdesk/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bootmend helpdesk: not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The helpdesk dashboard is not built</h1>
<p>This server answers the API at <code>/api/v1/</code>, but the dashboard's files are missing.
Run <code>npm run build</code> (or <code>npm run build:helpdesk</code>) in the Bootmend folder, then reload this page.</p>
</body></html>`;

function send(reply: FastifyReply, status: number, type: string, body: string | Buffer, cache: string): FastifyReply {
  return reply.code(status).headers({ 'content-type': type, 'cache-control': cache, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }).send(body);
}

/**
 * Serves the helpdesk dashboard (dist/helpdesk) at `/`: the page, its favicon and its hashed
 * assets. Nothing outside dist/helpdesk is reachable. The page needs no token to load; every
 * API call it makes does. Without a build, `/` answers 503 with a page naming `npm run build`.
 */
export function serveDashboard(app: FastifyInstance, dir = HELPDESK_DIST): void {
  const root = resolve(dir);
  const page = async (reply: FastifyReply) => {
    try {
      return send(reply, 200, TYPES['.html']!, await readFile(join(root, 'index.html')), 'no-cache');
    } catch {
      return send(reply, 503, TYPES['.html']!, NOT_BUILT, 'no-store');
    }
  };
  const file = async (reply: FastifyReply, relative: string, cache: string) => {
    const path = resolve(root, relative);
    const type = TYPES[extname(path)];
    const info = type && path.startsWith(root + sep) ? await stat(path).catch(() => null) : null;
    if (!type || !info?.isFile()) return reply.callNotFound();
    return send(reply, 200, type, await readFile(path), cache);
  };
  app.get('/', (_request, reply) => page(reply));
  app.get('/index.html', (_request, reply) => page(reply));
  app.get('/favicon.svg', (_request, reply) => file(reply, 'favicon.svg', 'no-cache'));
  app.get<{ Params: { '*': string } }>('/assets/*', (request, reply) => file(reply, join('assets', request.params['*']), 'public, max-age=31536000, immutable'));
}
