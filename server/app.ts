import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { BootmendError, isBootmendError, type ErrorCode } from '../core/errors.js';
import { TokenVerifier, type Caller } from './auth/tokens.js';
import type { ServerContext } from './context.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { serveDashboard } from './dashboard/static.js';
import { eventRoutes } from './events/routes.js';
import { exportRoutes } from './export/routes.js';
import { fleetRoutes } from './fleet/routes.js';
import { openApiDocument } from './http/openapi.js';
import { defineRoute, httpStatus, parsePart, SENT, type Route } from './http/route.js';
import { machineRoutes } from './machines/routes.js';
import { reportRoutes, serveReportStyle } from './report/routes.js';
import { streamRoutes } from './stream/routes.js';
import { summaryRoutes } from './summary/routes.js';
import { escrowRoutes } from './escrow/routes.js';
import type { MasterKey } from './escrow/seal.js';

export const API_VERSION = '1.0.0';

/** Every route of API v1, in the order the OpenAPI document lists them. */
export function apiRoutes(ctx: ServerContext, options: BuildOptions = {}): Route[] {
  const routes = [...eventRoutes(ctx), ...fleetRoutes(ctx), ...machineRoutes(ctx), ...summaryRoutes(ctx), ...exportRoutes(ctx), ...reportRoutes(ctx), ...streamRoutes(ctx), ...dashboardRoutes(ctx), ...escrowRoutes(ctx, { masterKey: options.masterKey ?? null, ...(options.lookupsPerMinute ? { lookupsPerMinute: options.lookupsPerMinute } : {}) })];
  const openapi = openApiDocument(
    [...routes, defineRoute({ method: 'GET', url: '/api/v1/openapi.json', summary: 'This document.', roles: ['technician', 'helpdesk', 'admin'], handler: () => Promise.resolve(null) })],
    { version: API_VERSION },
  );
  routes.push(
    defineRoute({
      method: 'GET',
      url: '/api/v1/openapi.json',
      summary: 'This document.',
      roles: ['technician', 'helpdesk', 'admin'],
      handler: () => Promise.resolve(openapi),
    }),
  );
  return routes;
}

function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string, field?: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: field === undefined ? { code, message } : { code, message, field } });
}

function codeFor(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  return 'INVALID_INPUT';
}

/** Where in a body a NUL character hides: PostgreSQL cannot store one in text, and no real field has one. */
function findNul(value: unknown, path: string, depth = 0): string | null {
  if (depth > 64) return null;
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}.${i}`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key.includes('\u0000')) return path;
      const found = findNul(v, `${path}.${key}`, depth + 1);
      if (found !== null) return found;
    }
  }
  return null;
}

export interface BuildOptions {
  /** Log one line per failed request (never a body). */
  log?: (line: string) => void;
  /** Turns key escrow on; without it the key routes answer 503 naming the option. */
  masterKey?: MasterKey | null;
  /** Key lookups per token per minute (20). */
  lookupsPerMinute?: number;
  /**
   * Proxies whose X-Forwarded-Proto/-Host/-For are believed (addresses or CIDRs, comma-separated, as
   * Fastify's `trustProxy` takes them). Off by default: a client could otherwise claim any address.
   */
  trustProxy?: string;
}

/** The HTTP server over a database and a change feed; `listen` is left to the caller (tests use inject()). */
export async function buildServer(ctx: ServerContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const log = options.log ?? ((line: string) => console.error(line));
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, return503OnClosing: true, forceCloseConnections: true, ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}) });
  const verifier = new TokenVerifier(ctx.db);

  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 128 * 1024 * 1024 }, (_request, body, done) => done(null, body));
  const routes = apiRoutes(ctx, options);
  const rawJsonUrls = new Set(routes.filter((r) => r.rawJson).map((r) => r.url));
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (rawJsonUrls.has(request.routeOptions.url ?? '')) done(null, body);
    else parseJson(request, body as string, done);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isBootmendError(error)) return sendError(reply, (error as { httpStatus?: number }).httpStatus ?? httpStatus(error), error.code, error.message, error.field);
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const message = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? `This route does not take ${request.headers['content-type'] ?? 'a body without a content type'}; send JSON (or CSV where the route says so).` : error.message;
      return sendError(reply, status, codeFor(status), message);
    }
    log(`bootmend-server: ${request.method} ${request.routeOptions.url ?? request.url} failed: ${error.message}`);
    return sendError(reply, 500, 'INTERNAL', 'The server failed to answer this request; it is logged. Try again; nothing already stored is lost.');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'NOT_FOUND', `There is no ${request.method} ${request.url.split('?')[0]}; see /api/v1/openapi.json.`));

  async function authenticate(request: FastifyRequest, roles: readonly string[]): Promise<Caller> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new BootmendError('UNAUTHORIZED', 'Send a token: Authorization: Bearer <token> (make one with `bootmend-server token create`).');
    const caller = await verifier.verify(match[1]!);
    if (!caller) throw new BootmendError('UNAUTHORIZED', 'This token is unknown or revoked; ask an admin for a new one.');
    if (!roles.includes(caller.role)) throw new BootmendError('FORBIDDEN', `A ${caller.role} token may not do this; it needs the role ${roles.join(' or ')}.`);
    return caller;
  }

  const callers = new WeakMap<FastifyRequest, Caller>();
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
      onRequest: async (request) => {
        callers.set(request, await authenticate(request, route.roles));
      },
      handler: async (request, reply) => {
        const nul = route.body || route.bodyDoc ? findNul(request.body, 'body') : null;
        if (nul !== null) throw new BootmendError('INVALID_INPUT', `${nul === 'body' ? 'The body' : `"${nul.slice(5)}"`} contains a NUL character, which no field may hold.`, { field: nul.slice(5) });
        const nulInUrl = findNul(request.query, 'query') ?? findNul(request.params, 'path');
        if (nulInUrl !== null) {
          const [part, ...name] = nulInUrl.split('.');
          throw new BootmendError('INVALID_INPUT', `The ${part === 'query' ? 'query parameter' : 'path part'} "${name.join('.')}" contains a NUL character (%00), which no field may hold.`, { field: name.join('.') });
        }
        if (route.method === 'POST' && (route.body || route.bodyDoc) && (request.body === undefined || request.body === null || request.body === '')) {
          throw new BootmendError('INVALID_INPUT', 'The request has no body; send JSON (Content-Type: application/json).');
        }
        const result = await route.handler({
          body: parsePart(route.body, request.body, 'The body'),
          query: parsePart(route.query, request.query ?? {}, 'The query'),
          params: parsePart(route.params, request.params, 'The path'),
          caller: callers.get(request)!,
          request,
          reply,
        });
        if (result === SENT) return reply;
        return reply.code(route.status ?? 200).type('application/json; charset=utf-8').send(JSON.stringify(result));
      },
    });
  }
  serveDashboard(app);
  serveReportStyle(app);
  return app;
}
