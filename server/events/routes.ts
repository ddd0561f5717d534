import { EventBatchResultSchema, EventBatchSchema } from '../../core/backend/schemas.js';
import type { ServerContext } from '../context.js';
import { defineRoute, type Route } from '../http/route.js';
import { ingestEvents } from './ingest.js';

export function eventRoutes(ctx: ServerContext): Route[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/events',
      summary: 'Stores a batch of recovery events, each id once; answers which ids were stored now and which were already there.',
      roles: ['technician', 'admin'],
      body: EventBatchSchema,
      response: EventBatchResultSchema,
      bodyLimit: 8 * 1024 * 1024,
      handler: async ({ body }) => {
        const { result, changed } = await ingestEvents(ctx.db, body.events);
        if (changed.length > 0) await ctx.feed.publish({ machines: changed });
        return result;
      },
    }),
  ];
}
