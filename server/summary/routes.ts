import { helpdeskContract } from '../../core/backend/helpdesk-contract.js';
import type { ServerContext } from '../context.js';
import { defineRoute, type Route } from '../http/route.js';
import { summarize } from './summary.js';

export function summaryRoutes(ctx: ServerContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/summary',
      summary: 'Counts by status, site and technician; machines up in the last hour (fixed or nothing to do); the ETA for the rest at that rate.',
      roles: ['helpdesk', 'admin'],
      response: helpdeskContract.getSummary.output,
      handler: () => summarize(ctx.db),
    }),
  ];
}
