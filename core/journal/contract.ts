import { NoInput } from '../app/contract.js';
import { defineMethod, type ContractSpec } from '../api/define.js';
import {
  ExportJournalRequestSchema,
  ExportJournalResultSchema,
  IngestRequestSchema,
  IngestSummarySchema,
  ListMachinesRequestSchema,
  MachineDetailSchema,
  MachineListSchema,
  RecordEventRequestSchema,
  RecordEventResultSchema,
  StickListSchema,
} from './schemas.js';
import { z } from 'zod';

/** The recovery journal: machines, what was done to each, results read back from sticks, exports. */
export const journalContract = {
  recordEvent: defineMethod({
    summary: 'Saves one recovery event for a machine (fsync before the answer) and returns the machine as its events now make it.',
    input: RecordEventRequestSchema,
    output: RecordEventResultSchema,
  }),
  listMachines: defineMethod({
    summary: 'Every machine in the journal with its derived state, filtered by status, site or a search.',
    input: ListMachinesRequestSchema,
    output: MachineListSchema,
  }),
  getMachine: defineMethod({
    summary: "One machine's state and its timeline of events.",
    input: z.object({ machineId: z.uuid() }).strict(),
    output: MachineDetailSchema,
  }),
  ingestResults: defineMethod({
    summary: "Reads fix.cmd's result files from a Bootmend stick or folder into the journal; the same file read twice is one record.",
    input: IngestRequestSchema,
    output: IngestSummarySchema,
    streams: true,
  }),
  exportJournal: defineMethod({
    summary: 'One row per machine (or the raw events) as CSV, JSON or NDJSON; never a recovery password.',
    input: ExportJournalRequestSchema,
    output: ExportJournalResultSchema,
  }),
  listSticks: defineMethod({
    summary: 'Bootmend sticks plugged into this laptop (found by the marker file on the medium) and how many result files each holds.',
    input: NoInput,
    output: StickListSchema,
  }),
} satisfies ContractSpec;
