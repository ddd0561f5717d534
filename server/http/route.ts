import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BootmendError, describeZodError } from '../../core/errors.js';
import type { Role } from '../../core/backend/schemas.js';
import type { Caller } from '../auth/tokens.js';

/**
 * A route declared once with its zod schemas: the same declaration validates the request
 * (server/http/register.ts) and writes the OpenAPI document (openapi.ts), so the document
 * cannot drift from what the server accepts.
 */

export interface RouteContext<Body, Query, Params> {
  body: Body;
  query: Query;
  params: Params;
  caller: Caller;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A handler that wrote its own answer (a stream, a CSV) returns this. */
export const SENT = Symbol('sent');

export interface RouteSpec<Body, Query, Params, Result> {
  method: 'GET' | 'POST';
  /** Fastify's form, `/api/v1/machines/:id`; OpenAPI gets `{id}`. */
  url: string;
  summary: string;
  /** Who may call it; everyone else gets 403. */
  roles: readonly Role[];
  body?: z.ZodType<Body>;
  /** A body the handler reads itself (it reports bad rows one by one): documented, not parsed. */
  bodyDoc?: z.ZodType;
  query?: z.ZodType<Query>;
  params?: z.ZodType<Params>;
  /** The JSON answer (200), for the OpenAPI document and for tests. */
  response?: z.ZodType<Result>;
  /** Content types the answer may have, when not JSON (exports, the live stream). */
  produces?: readonly string[];
  /** Content types the body may have, when more than JSON (fleet import takes CSV). */
  consumes?: readonly string[];
  /** A JSON body reaches the handler as its text, unparsed (a Graph key export may be several JSON documents in a row). */
  rawJson?: boolean;
  bodyLimit?: number;
  /** 200 unless said otherwise. */
  status?: number;
  handler: (ctx: RouteContext<Body, Query, Params>) => Promise<Result | typeof SENT>;
}

/** A route with its types erased, for lists of routes. */
export interface Route {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  roles: readonly Role[];
  body?: z.ZodType;
  bodyDoc?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  response?: z.ZodType;
  produces?: readonly string[];
  consumes?: readonly string[];
  rawJson?: boolean;
  bodyLimit?: number;
  status?: number;
  handler: (ctx: RouteContext<unknown, unknown, unknown>) => Promise<unknown>;
}

export function defineRoute<Body = undefined, Query = undefined, Params = undefined, Result = unknown>(spec: RouteSpec<Body, Query, Params, Result>): Route {
  return spec as unknown as Route;
}

/** Parses one part of a request, or throws INVALID_INPUT naming the field (never echoing the value). */
export function parsePart(schema: z.ZodType | undefined, value: unknown, what: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw describeZodError(parsed.error, what);
}

export { listParam } from '../../core/backend/queries.js';

/** HTTP status for an error code. */
export function httpStatus(error: BootmendError): number {
  switch (error.code) {
    case 'INVALID_INPUT':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
    case 'UNKNOWN_METHOD':
      return 404;
    case 'UNAVAILABLE':
      return 503;
    default:
      return 500;
  }
}
