import { createResource } from '../../state/resource.js';

/** This laptop's system and disks, read from the local API; kept while the technician moves between screens. */
export const useThisLaptop = createResource((client) => client.call('getThisLaptop', {}));
