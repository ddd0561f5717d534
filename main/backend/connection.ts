import type { Services } from '../services/services.js';

export interface BackendConnection {
  url: string;
  token: string;
}

/**
 * PROVISIONAL (h-recover2): the backend URL from Settings and the technician token from
 * BOOTMEND_BACKEND_TOKEN. The sync's version (settings-held token) replaces this file.
 * Null when either is missing.
 */
export async function backendConnection(services: Services): Promise<BackendConnection | null> {
  const { backendUrl } = await services.settings.read();
  const token = process.env.BOOTMEND_BACKEND_TOKEN?.trim() ?? '';
  if (!backendUrl || token === '') return null;
  return { url: backendUrl, token };
}
