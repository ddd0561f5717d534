import type { Services } from '../services/services.js';

export interface BackendConnection {
  url: string;
  token: string;
  /** Where it came from: the technician's Settings, or the backend `npm start` runs beside the app. */
  source: 'settings' | 'embedded';
}

/** Set by scripts/start.mjs for the embedded backend it starts beside the app (this user's environment only). */
export const EMBEDDED_URL_ENV = 'BOOTMEND_EMBEDDED_BACKEND_URL';
export const EMBEDDED_TOKEN_ENV = 'BOOTMEND_EMBEDDED_BACKEND_TOKEN';
/** A token for the configured backend given to a scripted run instead of a saved one. */
export const TOKEN_ENV = 'BOOTMEND_BACKEND_TOKEN';

export type ConnectionProblem = 'no-url' | 'no-token';

/**
 * The backend this laptop talks to: the URL in Settings with the token saved for it
 * (backend-token.json, or BOOTMEND_BACKEND_TOKEN for a scripted run); when no URL is set, the
 * embedded backend that `npm start` runs beside the app. `problem` says what is missing.
 */
export async function resolveBackend(services: Pick<Services, 'settings' | 'backendToken'>, env: NodeJS.ProcessEnv = process.env): Promise<{ connection: BackendConnection } | { connection: null; problem: ConnectionProblem }> {
  const { backendUrl } = await services.settings.read();
  if (backendUrl) {
    const token = (await services.backendToken.read()) ?? env[TOKEN_ENV]?.trim() ?? '';
    return token === '' ? { connection: null, problem: 'no-token' } : { connection: { url: backendUrl, token, source: 'settings' } };
  }
  const url = env[EMBEDDED_URL_ENV]?.trim() ?? '';
  const token = env[EMBEDDED_TOKEN_ENV]?.trim() ?? '';
  if (url !== '' && token !== '') return { connection: { url, token, source: 'embedded' } };
  return { connection: null, problem: 'no-url' };
}

/** The connection, or null when no backend is configured or its token is missing. */
export async function backendConnection(services: Pick<Services, 'settings' | 'backendToken'>, env: NodeJS.ProcessEnv = process.env): Promise<BackendConnection | null> {
  return (await resolveBackend(services, env)).connection;
}
