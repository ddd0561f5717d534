/** The audit's actions and results in the words a helpdesk lead reads; an unknown one (a newer server) is shown as sent. */

const ACTIONS: Record<string, string> = { 'keys.lookup': 'Lookup', 'keys.import': 'Import' };

const RESULTS: Record<string, string> = {
  revealed: 'Password shown',
  ambiguous: 'Several keys match: none shown',
  not_found: 'No such key',
  rate_limited: 'Refused: too many lookups',
  unreadable: 'Not shown: wrong master key',
  imported: 'Imported',
};

export function auditActionWord(action: string): string {
  return ACTIONS[action] ?? action;
}

export function auditResultWord(result: string): string {
  return RESULTS[result] ?? result;
}
