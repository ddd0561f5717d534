import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { defineRoute, SENT, type Route } from '../http/route.js';
import { REPORT_CSS, reportHtml } from './html.js';
import { siteReport } from './report.js';

export const ReportQuerySchema = z.object({ site: z.string().trim().min(1).max(100).optional() }).strict();

export function reportRoutes(ctx: ServerContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/report',
      summary: 'A printable page for one site (or every site without `site`): totals, counts by status, time to fix (median, 90th percentile, mean), and the machines still down.',
      roles: ['helpdesk', 'admin'],
      query: ReportQuerySchema,
      produces: ['text/html; charset=utf-8'],
      handler: async ({ query, request, reply }) => {
        const html = reportHtml(await siteReport(ctx.db, query.site), `${request.protocol}://${request.host}`);
        // No script on the page, nothing but the server's own stylesheet: it may be opened as a blob and printed.
        await reply
          .header('content-type', 'text/html; charset=utf-8')
          .header('content-security-policy', "default-src 'none'; style-src 'self'")
          .header('cache-control', 'no-store')
          .send(html);
        return SENT;
      },
    }),
  ];
}

/** The report's stylesheet; public like the dashboard's own assets (it holds no data). */
export function serveReportStyle(app: FastifyInstance): void {
  app.get('/report.css', (_request, reply) => reply.headers({ 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).send(REPORT_CSS));
}
