import { defineMethod, type ContractSpec } from '../api/define.js';
import { FleetListSchema, PullFleetListRequestSchema } from './schemas.js';

/** The Recover screen's calls beyond the journal's: the backend's fleet list for the queue. */
export const recoverContract = {
  pullFleetList: defineMethod({
    summary: "The backend's fleet list of a site (GET /api/v1/machines, every page), for the Recover queue: machines still to do by default.",
    input: PullFleetListRequestSchema,
    output: FleetListSchema,
  }),
} satisfies ContractSpec;
