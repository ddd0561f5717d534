import { z } from 'zod';
import type { Route } from './route.js';
import { ApiErrorSchema } from '../../core/error-schema.js';

/** OpenAPI 3.1 from the routes' own zod schemas (JSON Schema 2020-12, which 3.1 uses as is). */
export function openApiDocument(routes: readonly Route[], info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorBody = { content: { 'application/json': { schema: z.toJSONSchema(z.object({ error: ApiErrorSchema }), { io: 'output' }) } } };
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['query', route.query], ['path', route.params]] as const) {
      if (!schema) continue;
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, property] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property });
      }
    }
    const bodySchema = route.body ?? route.bodyDoc;
    const operation: Record<string, unknown> = {
      summary: route.summary,
      description: `Roles: ${route.roles.join(', ')}.`,
      security: [{ bearer: [] }],
      'x-roles': route.roles,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(bodySchema
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries((route.consumes ?? ['application/json']).map((type) => [type, type === 'application/json' ? { schema: z.toJSONSchema(bodySchema, { io: 'input', unrepresentable: 'any' }) } : { schema: { type: 'string' } }])),
            },
          }
        : {}),
      responses: {
        [String(route.status ?? 200)]: {
          description: 'OK',
          content: route.response
            ? { 'application/json': { schema: z.toJSONSchema(route.response, { io: 'output', unrepresentable: 'any' }) } }
            : Object.fromEntries((route.produces ?? ['application/json']).map((type) => [type, { schema: { type: 'string' } }])),
        },
        '400': { description: 'The request is not valid; the message says what is wrong.', ...errorBody },
        '401': { description: 'No token, or a token that is unknown or revoked.', ...errorBody },
        '403': { description: "The token's role may not call this route.", ...errorBody },
      },
    };
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Bootmend backend', version: info.version, description: 'Every machine\'s recovery status, shared by technicians and the helpdesk. Every route needs `Authorization: Bearer <token>` (made with `bootmend-server token create`).' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
