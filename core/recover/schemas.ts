import { z } from 'zod';
import { BackendStatusSchema } from '../backend/schemas.js';
import { MachineIdentitySchema } from '../journal/schemas.js';

/** The Recover screen's queue fed from the backend's fleet list of a site. */
export const PullFleetListRequestSchema = z
  .object({
    site: z.string().trim().min(1, 'is empty: name the site whose fleet list to pull').max(100, 'must be at most 100 characters'),
    /** Which machines: by default those still to do (pending, in progress). */
    status: z.array(BackendStatusSchema).min(1).max(10).default(['pending', 'in_progress']),
  })
  .strict();

export const FleetOfferSchema = z.object({
  /** The backend's machine id (stable: a list key). */
  backendId: z.string(),
  identity: MachineIdentitySchema,
  status: BackendStatusSchema,
});
export type FleetOffer = z.infer<typeof FleetOfferSchema>;

export const FleetListSchema = z.object({
  site: z.string(),
  machines: z.array(FleetOfferSchema),
  /** Pages fetched (cursor after cursor). */
  pages: z.number().int().nonnegative(),
  /** The list was longer than the app takes in one pull. */
  truncated: z.boolean(),
  pulledAt: z.string(),
});
export type FleetList = z.infer<typeof FleetListSchema>;
