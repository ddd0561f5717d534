import type { BackendStatus, Method } from './schemas.js';

/** Every status in the order reports show them: the journey from down to an outcome. */
export const STATUS_ORDER: readonly BackendStatus[] = ['pending', 'in_progress', 'fixed', 'nothing_to_do', 'needs_reimage', 'escalated', 'failed'];

export const STATUS_LABEL: Record<BackendStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  fixed: 'Fixed',
  nothing_to_do: 'Nothing to do',
  needs_reimage: 'Needs reimage',
  escalated: 'Escalated',
  failed: 'Failed',
};

export const METHOD_LABEL: Record<Method, string> = { winpe: 'WinPE', winre: 'WinRE', safe_mode: 'Safe mode', other: 'Other' };
