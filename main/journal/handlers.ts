import type { HandlersOf } from '../../core/api/dispatcher.js';
import { BootmendError } from '../../core/errors.js';
import type { journalContract } from '../../core/journal/contract.js';
import type { Services } from '../services/services.js';

// Placeholder while the journal's handlers are written (issue 14): every method answers UNAVAILABLE.
export function journalHandlers(_services: Services): HandlersOf<typeof journalContract> {
  const unavailable = (): never => {
    throw new BootmendError('UNAVAILABLE', 'The recovery journal is not built yet.');
  };
  return {
    recordEvent: unavailable,
    listMachines: unavailable,
    getMachine: unavailable,
    ingestResults: unavailable,
    exportJournal: unavailable,
    listSticks: unavailable,
  };
}
