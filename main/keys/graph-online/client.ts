import { normalizeKeyId, parseRecoveryPassword } from '../../../core/keys/bitlocker.js';
import { BootmendError } from '../../../core/errors.js';
import type { EventJournal } from '../../journal/journal.js';
import { MAX_CANDIDATES, type KeySummary, type LookupResult } from '../lookup.js';
import { revealAudited, type Revealed, type RevealRequest } from '../reveal.js';
import { normalizeVolumeType, parseCreated } from '../../../core/keys/importers/values.js';
import { pollForTokens, refreshTokens, requestDeviceCode, type DeviceCodePrompt, type Endpoints, type PendingSignIn, type Tokens } from './device-code.js';
import { graphFailure, readJson, retryAfterMs, send, sleep, type HttpContext } from './http.js';

/**
 * BitLocker keys straight from Microsoft Graph when the laptop is online:
 *   GET {graph}/informationProtection/bitlocker/recoveryKeys          (pages via @odata.nextLink)
 *   GET {graph}/informationProtection/bitlocker/recoveryKeys?$filter=deviceId eq '…'
 *   GET {graph}/informationProtection/bitlocker/recoveryKeys/{id}?$select=key
 * with a delegated token from the device-code sign-in. Graph does not filter by key-ID
 * prefix, so an 8-character prefix is matched locally over the listed keys (IDs, dates and
 * volume types only: listing never returns passwords). Every request carries User-Agent,
 * ocp-client-name and ocp-client-version, which this API requires.
 *
 * The token lives in this object's memory only and is gone when the app quits: a refresh
 * token on disk would be a long-lived credential to every key in the tenant, and signing in
 * again takes a minute. Reveals go through the vault's audit path (reveal.ts), marked
 * source 'graph'.
 */

export const DEFAULT_LOGIN_BASE_URL = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
/** Read.All is needed to read the key itself; ReadBasic.All would only list IDs. */
export const GRAPH_SCOPES = ['https://graph.microsoft.com/BitLockerKey.Read.All', 'offline_access'] as const;

export interface GraphKeyClientOptions {
  tenantId: string;
  clientId: string;
  /** Bootmend's version, for User-Agent and ocp-client-version. */
  version: string;
  loginBaseUrl?: string;
  graphBaseUrl?: string;
  scopes?: readonly string[];
  fetchImpl?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

interface GraphKeyItem {
  id: string;
  createdDateTime?: string;
  volumeType?: string | number;
  deviceId?: string;
}

const TENANT_SHAPE = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9][a-z0-9.-]{0,252}|organizations)$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class GraphKeyClient {
  private readonly endpoints: Endpoints;
  private readonly graph: string;
  private readonly http: HttpContext;
  private readonly now: () => number;
  private pending: PendingSignIn | null = null;
  private tokens: Tokens | null = null;
  /** Canonical (upper-case) ID → the ID as Graph spells it, for the reveal URL. */
  private readonly graphIds = new Map<string, string>();

  constructor(options: GraphKeyClientOptions) {
    if (!TENANT_SHAPE.test(options.tenantId)) throw new BootmendError('INVALID_INPUT', 'The tenant must be a tenant ID (a GUID) or a domain like contoso.onmicrosoft.com.', { field: 'tenantId' });
    if (!GUID.test(options.clientId)) throw new BootmendError('INVALID_INPUT', 'The client ID must be the application (client) ID of an app registration, a GUID.', { field: 'clientId' });
    this.endpoints = { loginBaseUrl: options.loginBaseUrl ?? DEFAULT_LOGIN_BASE_URL, tenantId: options.tenantId, clientId: options.clientId, scopes: options.scopes ?? GRAPH_SCOPES };
    this.graph = (options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.http = {
      fetchImpl: options.fetchImpl ?? fetch,
      sleep: options.sleep ?? sleep,
      headers: { 'User-Agent': `Bootmend/${options.version}`, 'ocp-client-name': 'Bootmend', 'ocp-client-version': options.version, Accept: 'application/json' },
    };
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  /** Step 1: a code for the person to enter at Microsoft's page (on any device). */
  async startSignIn(): Promise<DeviceCodePrompt> {
    this.pending = await requestDeviceCode(this.http, this.endpoints, this.now());
    const { userCode, verificationUri, expiresIn, message } = this.pending;
    return { userCode, verificationUri, expiresIn, message };
  }

  /** Step 2: resolves once the person has signed in (polling at Microsoft's interval). */
  async waitForToken(signal?: AbortSignal): Promise<void> {
    if (!this.pending) throw new BootmendError('INVALID_INPUT', 'Start the Microsoft sign-in first.');
    this.tokens = await pollForTokens(this.http, this.endpoints, this.pending, this.now, signal);
    this.pending = null;
  }

  signOut(): void {
    this.tokens = null;
    this.pending = null;
  }

  /** Same answers as the offline KeyIndex.lookup: by key ID (prefix of 8+ or full) or Entra device ID. Device names need the offline vault. */
  async lookup(query: string, signal?: AbortSignal): Promise<LookupResult> {
    const text = query.trim();
    const parsed = normalizeKeyId(text);
    if (!parsed.ok) {
      return { kind: 'not-found', message: /^[\s{}0-9a-f-]+$/i.test(text) ? parsed.reason : 'Online lookup finds keys by key ID (8 or more characters) or Entra device ID; for device names use the offline vault.' };
    }
    if ('full' in parsed) {
      const direct = await this.getKey(parsed.full, signal);
      if (direct) return { kind: 'found', key: direct };
      const byDevice = await this.list(`deviceId eq '${parsed.full.toLowerCase()}'`, signal);
      return result(byDevice, 'device');
    }
    const all = await this.list(null, signal);
    return result(all.filter((k) => k.id.startsWith(parsed.prefix)), 'id');
  }

  /** The audited reveal: the password is fetched, the journal event fsync'd, then the password returned. */
  async reveal(request: RevealRequest, journal: EventJournal, signal?: AbortSignal): Promise<Revealed> {
    const parsed = normalizeKeyId(request.id);
    if (!parsed.ok || !('full' in parsed)) throw new BootmendError('INVALID_INPUT', 'Reveal needs the full key ID from a lookup.', { field: 'id' });
    const summary = await this.getKey(parsed.full, signal);
    if (!summary) throw new BootmendError('NOT_FOUND', 'Microsoft Graph has no BitLocker key with that ID (or this account may not see it).');
    return revealAudited(journal, summary, request, 'graph', async () => {
      const body = (await this.request(`${this.graph}/informationProtection/bitlocker/recoveryKeys/${encodeURIComponent(this.graphIds.get(parsed.full) ?? parsed.full.toLowerCase())}?$select=key`, signal)) as { key?: unknown };
      const parsedKey = typeof body.key === 'string' ? parseRecoveryPassword(body.key) : null;
      if (!parsedKey?.ok) throw new BootmendError('INTERNAL', 'Microsoft Graph answered without a valid recovery password for that key.');
      return parsedKey.password;
    });
  }

  private async getKey(id: string, signal?: AbortSignal): Promise<KeySummary | null> {
    try {
      const body = await this.request(`${this.graph}/informationProtection/bitlocker/recoveryKeys/${encodeURIComponent(this.graphIds.get(id) ?? id.toLowerCase())}`, signal);
      return this.summary(body as GraphKeyItem);
    } catch (error) {
      if (error instanceof BootmendError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private async list(filter: string | null, signal?: AbortSignal): Promise<KeySummary[]> {
    const keys: KeySummary[] = [];
    let url: string | null = `${this.graph}/informationProtection/bitlocker/recoveryKeys${filter ? `?$filter=${encodeURIComponent(filter)}` : ''}`;
    const origin = new URL(this.graph).origin;
    for (let page = 0; url !== null; page += 1) {
      if (page >= 10_000) throw new BootmendError('INTERNAL', 'Microsoft Graph kept sending more pages of keys; stopped after 10,000.');
      const body = (await this.request(url, signal)) as { value?: unknown; '@odata.nextLink'?: unknown };
      for (const item of Array.isArray(body.value) ? body.value : []) {
        const key = this.summary(item as GraphKeyItem);
        if (key) keys.push(key);
      }
      const next = body['@odata.nextLink'];
      url = typeof next === 'string' ? next : null;
      // The token goes only to the Graph origin we were configured with.
      if (url !== null && new URL(url).origin !== origin) throw new BootmendError('INTERNAL', 'Microsoft Graph sent a next-page link to another server; it was not followed.');
    }
    return keys;
  }

  private summary(item: GraphKeyItem): KeySummary | null {
    if (typeof item?.id !== 'string') return null;
    const parsed = normalizeKeyId(item.id);
    if (!parsed.ok || !('full' in parsed)) return null;
    this.graphIds.set(parsed.full, item.id);
    return { id: parsed.full, device: null, created: typeof item.createdDateTime === 'string' ? parseCreated(item.createdDateTime) : null, volumeType: normalizeVolumeType(item.volumeType) };
  }

  /** GET with the token; 429 waits Retry-After once and retries; an expired token is refreshed once. */
  private async request(url: string, signal?: AbortSignal): Promise<unknown> {
    let throttled = false;
    let refreshed = false;
    for (;;) {
      const token = await this.accessToken();
      const response = await send(this.http, url, { method: 'GET', headers: { Authorization: `Bearer ${token}` } }, 'read BitLocker keys from Microsoft Graph', signal);
      const body = await readJson(response);
      if (response.ok) return body ?? {};
      if (response.status === 429 && !throttled) {
        throttled = true;
        await this.http.sleep(retryAfterMs(response, this.now()), signal);
        continue;
      }
      if (response.status === 401 && !refreshed && this.tokens?.refreshToken) {
        refreshed = true;
        this.tokens = await refreshTokens(this.http, this.endpoints, this.tokens.refreshToken, this.now());
        continue;
      }
      if (response.status === 401) this.tokens = null;
      throw graphFailure(response.status, body, response.status === 429 ? Math.ceil(retryAfterMs(response, this.now()) / 1000) : undefined);
    }
  }

  private async accessToken(): Promise<string> {
    if (!this.tokens) throw new BootmendError('UNAUTHORIZED', 'Sign in to Microsoft first (online lookup uses your Entra account).');
    if (this.now() >= this.tokens.expiresAt && this.tokens.refreshToken) this.tokens = await refreshTokens(this.http, this.endpoints, this.tokens.refreshToken, this.now());
    return this.tokens.accessToken;
  }
}

function result(keys: KeySummary[], via: 'id' | 'device'): LookupResult {
  if (keys.length === 1) return { kind: 'found', key: keys[0]! };
  if (keys.length === 0) return { kind: 'not-found', message: via === 'device' ? 'Microsoft Graph has no key with that key ID or device ID (or this account may not see it).' : 'No key in Microsoft Graph starts with that key ID (or this account may not see it).' };
  keys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    kind: 'ambiguous',
    candidates: keys.slice(0, MAX_CANDIDATES),
    total: keys.length,
    message: via === 'device' ? `That device has ${keys.length} keys: type the key ID shown on the recovery screen.` : `${keys.length} keys start with that ID: type more characters of the key ID.`,
  };
}
