import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Microsoft's sign-in service and Microsoft Graph (neither can be reached
 * here), on 127.0.0.1, answering in the shapes Microsoft documents: POST
 * /{tenant}/oauth2/v2.0/devicecode; POST /{tenant}/oauth2/v2.0/token (grant_type
 * urn:ietf:params:oauth:grant-type:device_code) answering authorization_pending until the
 * person "enters the code"; GET /v1.0/informationProtection/bitlocker/recoveryKeys and
 * /recoveryKeys/{id}?$select=key with the bearer token. Point the app at it with `env`
 * (BOOTMEND_GRAPH_LOGIN_URL, BOOTMEND_GRAPH_API_URL). Keys must be FAKE (main/keys/fake-keys.ts).
 */

export interface StandInKey {
  /** Lower case, as Graph spells IDs. */
  id: string;
  key: string;
  createdDateTime: string;
  volumeType: string;
}

export interface SeenRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface GraphStandIn {
  /** The sign-in service's base URL; Graph is at `${base}/v1.0`. */
  base: string;
  /** The app's environment variables that point it here. */
  env: { BOOTMEND_GRAPH_LOGIN_URL: string; BOOTMEND_GRAPH_API_URL: string };
  /** Every request, in order. */
  seen: SeenRequest[];
  /** The person entered the code: the next token poll is answered with the token. */
  approve(): void;
  close(): Promise<void>;
}

export interface GraphStandInOptions {
  tenant: string;
  /** The access token it hands out and then requires; never to be seen in a log or the journal. */
  token: string;
  keys: readonly StandInKey[];
  userCode: string;
  /** How many token polls are answered authorization_pending before the token (default: until approve()). */
  pendingPolls?: number;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startGraphStandIn(options: GraphStandInOptions): Promise<GraphStandIn> {
  const { tenant, token, keys, userCode } = options;
  const seen: SeenRequest[] = [];
  let pending = options.pendingPolls ?? Number.POSITIVE_INFINITY;
  let base = '';

  function answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url!, base);
    if (url.pathname === `/${tenant}/oauth2/v2.0/devicecode`) {
      return send(res, 200, {
        device_code: 'DEV-1',
        user_code: userCode,
        verification_uri: 'https://microsoft.com/devicelogin',
        expires_in: 900,
        interval: 1,
        message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${userCode} to authenticate.`,
      });
    }
    if (url.pathname === `/${tenant}/oauth2/v2.0/token`) {
      if (pending > 0) {
        pending -= 1;
        return send(res, 400, { error: 'authorization_pending', error_description: 'AADSTS70016: Authorization is pending.' });
      }
      return send(res, 200, { token_type: 'Bearer', expires_in: 3600, access_token: token, refresh_token: 'refresh-stand-in' });
    }
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    const prefix = '/v1.0/informationProtection/bitlocker/recoveryKeys';
    if (url.pathname === prefix) return send(res, 200, { value: keys.map(({ key: _key, ...rest }) => rest) });
    const key = keys.find((k) => url.pathname === `${prefix}/${k.id}`);
    if (!key) return send(res, 404, { error: { code: 'NotFound', message: 'Not found.' } });
    const { key: password, ...rest } = key;
    return send(res, 200, url.searchParams.get('$select') === 'key' ? { ...rest, key: password } : rest);
  }

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ path: req.url!, headers: req.headers, body });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    env: { BOOTMEND_GRAPH_LOGIN_URL: base, BOOTMEND_GRAPH_API_URL: `${base}/v1.0` },
    seen,
    approve: () => {
      pending = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
