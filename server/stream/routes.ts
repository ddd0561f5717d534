import type { ServerContext } from '../context.js';
import { defineRoute, SENT, type Route } from '../http/route.js';

/** How often an idle stream sends a comment, so proxies and the browser keep it open. */
const HEARTBEAT_MS = 15_000;

export function streamRoutes(ctx: ServerContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/stream',
      summary: 'Server-sent events: `event: machines` with the machines whose status or record changed, as they change, and `event: audit` when the key escrow audit has a new entry (on PostgreSQL, changes made through any instance).',
      roles: ['helpdesk', 'admin'],
      produces: ['text/event-stream'],
      handler: ({ reply, request }) => {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        res.write(': bootmend stream open\n\n');
        const unsubscribe = ctx.feed.subscribe((change) => {
          res.write(`event: machines\ndata: ${JSON.stringify(change)}\n\n`);
        });
        const unsubscribeAudit = ctx.feed.subscribeAudit(() => res.write('event: audit\ndata: {}\n\n'));
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
        const stop = () => {
          clearInterval(heartbeat);
          unsubscribe();
          unsubscribeAudit();
        };
        request.raw.on('close', stop);
        res.on('close', stop);
        return Promise.resolve(SENT);
      },
    }),
  ];
}
