import { z } from 'zod';
import { defineMethod, type ContractSpec, type InputOf, type MethodNameOf } from '../api/define.js';
import { AuditPageSchema, BurndownQuerySchema, BurndownSchema, WhoAmISchema } from './dashboard.js';
import { AuditQuerySchema, MachineIdParamsSchema, MachineListQuerySchema } from './queries.js';
import { MachineDetailSchema, MachinePageSchema, SummarySchema } from './schemas.js';

/**
 * The helpdesk dashboard's reads of API v1, declared with the same machinery as the
 * technician app's local API (core/api): one method each, its input and its answer. The server
 * registers these very schemas on its routes (server/tests/helpdesk-contract.test.ts holds it
 * to that), and the dashboard's client (renderer/helpdesk/api.ts) is typed and checked by them.
 */
export const helpdeskContract = {
  whoAmI: defineMethod({ summary: "The token's name and role, for sign-in.", input: z.object({}).strict(), output: WhoAmISchema }),
  getSummary: defineMethod({ summary: 'Counts by status, site and technician, the last hour, the ETA.', input: z.object({}).strict(), output: SummarySchema }),
  getBurndown: defineMethod({ summary: 'Machines still down at each hour boundary.', input: BurndownQuerySchema, output: BurndownSchema }),
  listMachines: defineMethod({ summary: 'One page of machines, filtered.', input: MachineListQuerySchema, output: MachinePageSchema }),
  getMachine: defineMethod({ summary: "One machine and its timeline.", input: MachineIdParamsSchema, output: MachineDetailSchema }),
  listAudit: defineMethod({ summary: 'One page of the key escrow audit, newest first.', input: AuditQuerySchema, output: AuditPageSchema }),
} satisfies ContractSpec;

export type HelpdeskContract = typeof helpdeskContract;

/** Where each method is served: a GET of this route (Fastify's form), its input in the path or the query. */
export const HELPDESK_ROUTES: { [K in MethodNameOf<HelpdeskContract>]: { url: string; path: (input: InputOf<HelpdeskContract, K>) => string } } = {
  whoAmI: { url: '/api/v1/whoami', path: () => '/api/v1/whoami' },
  getSummary: { url: '/api/v1/summary', path: () => '/api/v1/summary' },
  getBurndown: { url: '/api/v1/summary/burndown', path: (input) => `/api/v1/summary/burndown${queryString(input)}` },
  listMachines: { url: '/api/v1/machines', path: (input) => `/api/v1/machines${queryString(input)}` },
  getMachine: { url: '/api/v1/machines/:id', path: (input) => `/api/v1/machines/${encodeURIComponent(input.id)}` },
  listAudit: { url: '/api/v1/audit', path: (input) => `/api/v1/audit${queryString(input)}` },
};

/** `?a=1&status=fixed&status=failed` from the parameters that are set (lists repeat their name). */
export function queryString(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(key, String(one));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
