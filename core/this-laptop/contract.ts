import { NoInput } from '../app/contract.js';
import { defineMethod, type ContractSpec } from '../api/define.js';
import { ThisLaptopOverviewSchema } from './schemas.js';

/** The technician's own computer (never "machine": that is the PC being recovered). */
export const thisLaptopContract = {
  getThisLaptop: defineMethod({
    summary: "This laptop's system, OS and disks (system disk marked), read through systeminformation.",
    input: NoInput,
    output: ThisLaptopOverviewSchema,
  }),
} satisfies ContractSpec;
