/**
 * A simulated outage for `npm run demo`: seeds a fleet (about 2,000 machines over 6 sites) with
 * a few hours of history, then keeps technicians fixing machines live (a few events a second),
 * so a new user opens the helpdesk dashboard and sees it move. Everything goes through API v1,
 * exactly as the technician app's sync and a helpdesk's fleet import would.
 */
import { randomUUID } from 'node:crypto';

export interface DemoFleetOptions {
  /** The server, e.g. `http://127.0.0.1:8040`. */
  url: string;
  /** Imports the fleet (an admin or helpdesk token). */
  adminToken: string;
  /** Posts the technicians' events. */
  technicianToken: string;
  /** Stops the live part; the promise then resolves with what was sent. */
  signal: AbortSignal;
  machines?: number;
  sites?: number;
  /** Live events per second once seeded. */
  eventsPerSecond?: number;
  /** Share of the fleet already worked on before the demo starts, spread over `historyHours`. */
  historyShare?: number;
  historyHours?: number;
  random?: () => number;
  /** One line per step (seeded, live), for the demo's console. */
  log?: (line: string) => void;
}

export interface DemoFleetResult {
  imported: number;
  /** Event ids the server stored (its `accepted` answers). */
  accepted: string[];
  duplicates: number;
  /** Events of the seeded history (before the live part). */
  history: number;
}

const SITE_NAMES = ['Berlin', 'Hamburg', 'Munich', 'Frankfurt', 'Cologne', 'Leipzig', 'Dresden', 'Stuttgart', 'Bremen', 'Hanover'];
const TECHNICIAN_NAMES = ['Ada', 'Ben', 'Chloé', 'Deniz', 'Elif', 'Farid', 'Greta', 'Hannes', 'Ines', 'Jonas', 'Kira', 'Lukas', 'Mira', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sven'];
const METHODS = ['winpe', 'winre', 'safe_mode', 'winpe', 'winre'] as const;

type Outcome = 'fixed' | 'nothing_to_do' | 'needs_reimage' | 'escalated' | 'failed';

interface DemoMachine {
  hostname: string;
  serial: string;
  assetTag: string;
  site: string;
  owner: string;
  technician: string;
  state: 'pending' | 'in_progress' | 'done';
}

interface DemoEvent {
  id: string;
  machine: { hostname: string; serial: string; assetTag: string; site: string };
  status: 'in_progress' | Outcome;
  method?: (typeof METHODS)[number];
  at: string;
  technician: string;
  notes?: string;
  files?: string[];
}

/** Mostly fixed, as in the 2024 outage; a few need more than the usual fix. */
function pickOutcome(random: () => number): Outcome {
  const r = random();
  if (r < 0.8) return 'fixed';
  if (r < 0.88) return 'nothing_to_do';
  if (r < 0.93) return 'needs_reimage';
  if (r < 0.97) return 'escalated';
  return 'failed';
}

export function demoFleet(count: number, siteCount: number, random: () => number = Math.random): DemoMachine[] {
  const sites = SITE_NAMES.slice(0, Math.max(1, Math.min(siteCount, SITE_NAMES.length)));
  const perSiteTechs = Math.max(1, Math.floor(TECHNICIAN_NAMES.length / sites.length));
  return Array.from({ length: count }, (_, i) => {
    const siteIndex = i % sites.length;
    const site = sites[siteIndex]!;
    const number = String(Math.floor(i / sites.length) + 1).padStart(4, '0');
    const tech = TECHNICIAN_NAMES[(siteIndex * perSiteTechs + Math.floor(random() * perSiteTechs)) % TECHNICIAN_NAMES.length]!;
    return {
      hostname: `${site.slice(0, 3).toUpperCase()}-PC-${number}`,
      serial: `SN${(100000 + i).toString(36).toUpperCase()}`,
      assetTag: `AT-${String(10000 + i)}`,
      site,
      owner: `user${i + 1}@example.org`,
      technician: tech,
      state: 'pending',
    };
  });
}

function eventFor(machine: DemoMachine, status: DemoEvent['status'], at: Date, random: () => number): DemoEvent {
  const event: DemoEvent = {
    id: randomUUID(),
    machine: { hostname: machine.hostname, serial: machine.serial, assetTag: machine.assetTag, site: machine.site },
    status,
    method: METHODS[Math.floor(random() * METHODS.length)]!,
    at: at.toISOString(),
    technician: machine.technician,
  };
  if (status === 'fixed') event.files = ['C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-00000000-00000032.sys'];
  if (status === 'escalated') event.notes = 'BitLocker key not in escrow; passed to second level.';
  return event;
}

class DemoApi {
  constructor(private readonly url: string) {}

  async post(path: string, token: string, body: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, this.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      // Never cut short by the demo's stop signal: a request the server answered is counted, so
      // `accepted` is exactly what was stored. The timeout only ends a server that hangs.
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let reason = text.slice(0, 300);
      try {
        reason = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? reason;
      } catch {
        // not JSON: the text says it
      }
      throw new Error(`The demo's POST ${path} was refused (${response.status}): ${reason}`);
    }
    return JSON.parse(text) as unknown;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Seeds the fleet and its history, then posts live events until `signal` aborts. */
export async function runDemoFleet(options: DemoFleetOptions): Promise<DemoFleetResult> {
  const { url, adminToken, technicianToken, signal } = options;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => undefined);
  const api = new DemoApi(url);
  const fleet = demoFleet(options.machines ?? 2000, options.sites ?? 6, random);
  const result: DemoFleetResult = { imported: 0, accepted: [], duplicates: 0, history: 0 };
  const send = async (events: DemoEvent[]) => {
    const answer = (await api.post('/api/v1/events', technicianToken, { events })) as { accepted: string[]; duplicates: string[] };
    result.accepted.push(...answer.accepted);
    result.duplicates += answer.duplicates.length;
  };

  const imported = (await api.post('/api/v1/fleet/import', adminToken, { machines: fleet.map(({ hostname, serial, assetTag, site, owner }) => ({ hostname, serial, assetTag, site, owner })) })) as { created: number; updated: number };
  result.imported = imported.created + imported.updated;

  // History: machines started and finished over the last hours, so the burn-down has a slope.
  const hours = options.historyHours ?? 6;
  const now = Date.now();
  const history: DemoEvent[] = [];
  for (const machine of fleet) {
    if (random() >= (options.historyShare ?? 0.35)) continue;
    const started = now - random() * hours * 3_600_000;
    const finished = Math.min(now - 1000, started + (5 + random() * 40) * 60_000);
    history.push(eventFor(machine, 'in_progress', new Date(started), random), eventFor(machine, pickOutcome(random), new Date(finished), random));
    machine.state = 'done';
  }
  for (let i = 0; i < history.length && !signal.aborted; i += 500) await send(history.slice(i, i + 500));
  result.history = history.length;
  log(`demo: ${result.imported} machines over ${new Set(fleet.map((m) => m.site)).size} sites, ${history.length} events of history; now fixing machines live`);

  // Live: technicians pick up pending machines and finish the ones they work on.
  const interval = 1000 / Math.max(0.1, options.eventsPerSecond ?? 4);
  while (!signal.aborted) {
    const working = fleet.filter((m) => m.state === 'in_progress');
    const pending = fleet.filter((m) => m.state === 'pending');
    if (working.length === 0 && pending.length === 0) break;
    const finish = pending.length === 0 || (working.length > 0 && random() < Math.min(0.85, working.length / 20));
    const machine = finish ? working[Math.floor(random() * working.length)]! : pending[Math.floor(random() * pending.length)]!;
    await send([eventFor(machine, finish ? pickOutcome(random) : 'in_progress', new Date(), random)]);
    machine.state = finish ? 'done' : 'in_progress';
    await sleep(interval, signal);
  }
  return result;
}
