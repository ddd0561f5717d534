import { openJournal } from '../main/journal/journal.js';
import { dataFiles } from '../main/services/data-folder.js';

/** A vault session's files in a test's data folder, named as main/services names them. */
export function vaultPlace(dataDir: string): { vaultPath: string; journal: ReturnType<typeof openJournal> } {
  const files = dataFiles(dataDir);
  return { vaultPath: files.vault, journal: openJournal(files.journal) };
}
