import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.js';

/** The one ApiClient of this window, made by connect() in main.tsx. */
export const ClientContext = createContext<ApiClient | null>(null);

export function useClient(): ApiClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() is used outside <ClientContext.Provider>.');
  return client;
}
