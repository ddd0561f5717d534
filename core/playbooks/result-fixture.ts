import type { MachineResult } from './machine-result.js';

/**
 * For tests: a result file as fix.cmd writes it in WinRE, for one PC and outcome (what is not
 * given is empty). The Wine tests (main/journal/ingest.wine.test.ts) read real ones.
 */
export function machineResultFixture(name: string, outcome: MachineResult['outcome'], overrides: Partial<MachineResult> = {}): MachineResult {
  return {
    schemaVersion: 1,
    playbook: { id: 'crowdstrike-cf291', version: '1.0.0' },
    mediumId: 'stick-1',
    machine: { name, serial: null, manufacturer: null, model: null },
    environment: 'winre',
    utcOffsetMinutes: 0,
    volumes: [],
    files: [],
    safeBoot: { requested: null, result: null },
    outcome,
    startedAt: '2024-07-19T09:00:00Z',
    endedAt: '2024-07-19T09:03:00Z',
    ...overrides,
  };
}
