import { createResource } from './resource.js';

// Values every part of the app reads; a feature's own resource lives in its folder (this-laptop/store.ts).

/** Backend connection and sync backlog, polled by the status bar. */
export const useStatus = createResource((client) => client.call('getStatus', {}));

/** Version, host, platform and data folder; read once. */
export const useAppInfo = createResource((client) => client.call('getAppInfo', {}));
