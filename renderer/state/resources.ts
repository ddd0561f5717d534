import { createResource } from './resource.js';

/** Backend connection and sync backlog, polled by the status bar. */
export const useStatus = createResource((client) => client.call('getStatus', {}));

/** Version, host, platform and data folder; read once. */
export const useAppInfo = createResource((client) => client.call('getAppInfo', {}));

/** This laptop's system and disks (the "This machine" screen); kept while the technician moves between screens. */
export const useThisLaptop = createResource((client) => client.call('getThisLaptop', {}));
