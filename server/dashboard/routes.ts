import { helpdeskContract } from '../../core/backend/helpdesk-contract.js';
import type { ServerContext } from '../context.js';
import { defineRoute, type Route } from '../http/route.js';
import { burndown } from './burndown.js';

/** The routes the helpdesk dashboard adds: who a token is (sign-in) and the burn-down series. */
export function dashboardRoutes(ctx: ServerContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/whoami',
      summary: "The caller's token name and role, so a client can say who is signed in and show what the role may do.",
      roles: ['technician', 'helpdesk', 'admin'],
      response: helpdeskContract.whoAmI.output,
      handler: ({ caller }) => Promise.resolve({ name: caller.name, role: caller.role }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/summary/burndown',
      summary: 'Machines still down at each hour boundary of the last `hours` hours (default 24) and now, for a burn-down chart.',
      roles: ['helpdesk', 'admin'],
      query: helpdeskContract.getBurndown.input,
      response: helpdeskContract.getBurndown.output,
      handler: ({ query }) => burndown(ctx.db, query.hours),
    }),
  ];
}
