import { contract, type Contract } from '../core/api/contract.js';
import { createDispatcher, type Dispatcher, type HandlersOf } from '../core/api/dispatcher.js';
import { appHandlers } from './app/handlers.js';
import { drivesHandlers } from './drives/handlers.js';
import { journalHandlers } from './journal/handlers.js';
import { keysHandlers } from './keys/handlers.js';
import { mediaHandlers } from './media/handlers.js';
import { playbooksHandlers } from './playbooks/handlers.js';
import { recoverHandlers } from './recover/handlers.js';
import { createServices, type Services, type ServicesOptions } from './services/services.js';
import { settingsHandlers } from './settings/handlers.js';
import { syncHandlers } from './sync/handlers.js';
import { thisLaptopHandlers } from './this-laptop/handlers.js';

export { LIST_LOOP_DEVICES_ENV } from './drives/handlers.js';

export type Handlers = HandlersOf<Contract>;

export interface ApiOptions extends ServicesOptions {
  onInternalError?: (method: string, error: unknown) => void;
}

export interface BootmendApi {
  services: Services;
  handlers: Handlers;
  dispatcher: Dispatcher;
  /** The data folder (services.files.dataDir). */
  dataDir: string;
}

/**
 * THE local API: the features' handler slices (main/<feature>/handlers.ts) over one set of
 * services (main/services/services.ts). The type `Handlers` makes the compiler refuse a
 * method of core/api/contract.ts that no slice implements.
 */
export function createApi(options: ApiOptions): BootmendApi {
  const { onInternalError, ...serviceOptions } = options;
  const services = createServices(serviceOptions);
  const handlers: Handlers = {
    ...appHandlers(services),
    ...settingsHandlers(services),
    ...thisLaptopHandlers(),
    ...drivesHandlers(),
    ...playbooksHandlers(services),
    ...mediaHandlers(services),
    ...keysHandlers(services),
    ...journalHandlers(services),
    ...recoverHandlers(services),
    ...syncHandlers(services),
  };
  const dispatcher = createDispatcher({ contract, handlers, jobs: services.jobs, ...(onInternalError ? { onInternalError } : {}) });
  return { services, handlers, dispatcher, dataDir: services.files.dataDir };
}
