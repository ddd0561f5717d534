import type { EscrowRequest } from './escrow.js';
import { BootmendError } from '../../core/errors.js';
import type { EscrowLookupResult, GraphSignIn, GraphSignInRequest, LookupKeyResult } from '../../core/keys/schemas.js';
import type { GraphSettings, Settings } from '../../core/settings/schemas.js';
import { packageJson } from '../app/handlers.js';
import type { EventJournal } from '../journal/journal.js';
import type { Services } from '../services/services.js';
import { keyCodes } from './codes.js';
import { GraphKeyClient, type GraphKeyClientOptions } from './graph-online/index.js';
import { ROTATION_ADVICE } from './reveal.js';

/**
 * Other Microsoft clouds (US Government, China) sign in and serve Graph elsewhere; the tests
 * point these at a local stand-in for Microsoft Graph.
 */
export const GRAPH_LOGIN_URL_ENV = 'BOOTMEND_GRAPH_LOGIN_URL';
export const GRAPH_API_URL_ENV = 'BOOTMEND_GRAPH_API_URL';

/** The same request as the escrow's: which key, for which machine, why, by whom. */
export type GraphRequest = EscrowRequest;

type ClientFactory = (options: GraphKeyClientOptions) => GraphKeyClient;

/**
 * The app's one Microsoft Graph sign-in (device-code flow: the technician enters the code on
 * any device, e.g. a phone, since the laptop may be locked down). The token lives in this
 * object's GraphKeyClient only, in memory, and goes nowhere else: not to the renderer, a log,
 * or an error message.
 */
export class GraphSession {
  private client: GraphKeyClient | null = null;
  private tenant: string | null = null;
  /** Started for a tenant and app the request named (the CLI's --tenant), not the ones in Settings. */
  private named = false;
  private state: GraphSignIn = signedOut();
  private waiting: AbortController | null = null;

  constructor(
    private readonly version: string,
    private readonly fetchImpl: typeof fetch,
    private readonly makeClient: ClientFactory = (options) => new GraphKeyClient(options),
  ) {}

  status(settings: Settings): GraphSignIn {
    if (this.named) return this.state;
    if (!settings.graph) return { ...signedOut(), state: 'not-configured' };
    // Settings now name another tenant or app: the old sign-in is not for them.
    if (this.tenant !== null && this.tenant !== tenantKey(settings.graph)) this.signOut();
    return this.state;
  }

  async start(settings: Settings, named: GraphSignInRequest = {}): Promise<GraphSignIn> {
    const tenantId = named.tenantId ?? settings.graph?.tenantId;
    const clientId = named.clientId ?? settings.graph?.clientId;
    if (!tenantId || !clientId) throw new BootmendError('INVALID_INPUT', 'Microsoft Graph is not set up: add the Entra tenant and the app registration’s client ID in Settings.');
    const graph = { tenantId, clientId };
    this.signOut();
    const client = this.makeClient({
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      version: this.version,
      fetchImpl: this.fetchImpl,
      ...(process.env[GRAPH_LOGIN_URL_ENV] ? { loginBaseUrl: process.env[GRAPH_LOGIN_URL_ENV] } : {}),
      ...(process.env[GRAPH_API_URL_ENV] ? { graphBaseUrl: process.env[GRAPH_API_URL_ENV] } : {}),
    });
    const prompt = await client.startSignIn();
    this.client = client;
    this.tenant = tenantKey(graph);
    this.named = named.tenantId !== undefined || named.clientId !== undefined;
    this.state = { state: 'waiting', userCode: prompt.userCode, verificationUri: prompt.verificationUri, message: prompt.message, expiresAt: new Date(Date.now() + prompt.expiresIn * 1000).toISOString(), error: null };
    const waiting = new AbortController();
    this.waiting = waiting;
    void client.waitForToken(waiting.signal).then(
      () => {
        if (this.waiting === waiting) this.state = { ...signedOut(), state: 'signed-in' };
      },
      (error: unknown) => {
        if (this.waiting !== waiting || waiting.signal.aborted) return;
        this.client = null;
        this.state = { ...signedOut(), state: 'failed', error: error instanceof BootmendError ? error.message : 'The Microsoft sign-in failed.' };
      },
    );
    return this.state;
  }

  signOut(): GraphSignIn {
    this.waiting?.abort();
    this.waiting = null;
    this.client?.signOut();
    this.client = null;
    this.tenant = null;
    this.named = false;
    this.state = signedOut();
    return this.state;
  }

  /** Looks a key ID or Entra device ID up in Graph, answering as the vault's lookup does; no password. */
  async find(settings: Settings, query: string): Promise<LookupKeyResult> {
    return this.signedInClient(settings).lookup(query);
  }

  /** Looks the key ID up in Graph; one match is revealed through the audited path (source graph), several are answered without passwords. */
  async lookupAndReveal(settings: Settings, journal: EventJournal, request: GraphRequest): Promise<EscrowLookupResult> {
    const client = this.signedInClient(settings);
    const found = await client.lookup(request.keyId);
    if (found.kind === 'not-found') throw new BootmendError('NOT_FOUND', found.message);
    if (found.kind === 'ambiguous') return { match: 'ambiguous', candidates: found.candidates, message: found.message };
    const revealed = await client.reveal({ ...request, id: found.key.id }, journal);
    return { match: 'one', revealed: { ...revealed, ...(await keyCodes(revealed.password)), rotationAdvice: ROTATION_ADVICE.join(' ') } };
  }

  private signedInClient(settings: Settings): GraphKeyClient {
    const client = this.status(settings).state === 'signed-in' ? this.client : null;
    if (!client) throw new BootmendError('UNAUTHORIZED', 'Not signed in to Microsoft Graph: sign in first (Keys screen or the BitLocker step).');
    return client;
  }
}

function signedOut(): GraphSignIn {
  return { state: 'signed-out', userCode: null, verificationUri: null, message: null, expiresAt: null, error: null };
}

function tenantKey(graph: GraphSettings): string {
  return `${graph.tenantId.toLowerCase()}/${graph.clientId.toLowerCase()}`;
}

const sessions = new WeakMap<Services, GraphSession>();

/** One Graph sign-in per running app (per services), like its one vault session. */
export function graphSessionOf(services: Services): GraphSession {
  let session = sessions.get(services);
  if (!session) {
    session = new GraphSession(packageJson.version, services.fetchImpl);
    sessions.set(services, session);
  }
  return session;
}
