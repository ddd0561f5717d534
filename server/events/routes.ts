import { EventBatchResultSchema, EventBatchSchema } from '../../core/backend/schemas.js';
import type { ServerContext } from '../context.js';
import { defineRoute, type Route } from '../http/route.js';
import { WriteQueue } from './write-queue.js';

export function eventRoutes(ctx: ServerContext): Route[] {
  const queue = new WriteQueue(ctx.db, (change) => ctx.feed.publish(change));
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/events',
      summary: 'Stores a batch of recovery events, each id once; answers which ids were stored now and which were already there.',
      roles: ['technician', 'admin'],
      body: EventBatchSchema,
      response: EventBatchResultSchema,
      bodyLimit: 8 * 1024 * 1024,
      handler: ({ body }) => queue.submit(body.events),
    }),
  ];
}
