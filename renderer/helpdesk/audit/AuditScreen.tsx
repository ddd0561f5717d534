import { useCallback, useState, type ReactElement } from 'react';
import type { AuditEntry, AuditPage } from '../../../core/backend/dashboard.js';
import { Badge, type Tone } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { EmptyState } from '../../ui/EmptyState.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { KeyIcon } from '../../ui/icons.js';
import { Loading } from '../../ui/Spinner.js';
import { helpdeskApi } from '../api.js';
import { useLiveResource } from '../hooks.js';
import { useToken } from '../session.js';
import { formatTime } from '../words.js';
import { auditActionWord, auditResultWord } from './words.js';

const PAGE = 100;

/** Who was shown which recovery key, when and why (`GET /api/v1/audit`), newest first, read again on every change. */
export function AuditScreen(): ReactElement {
  const token = useToken();
  const load = useCallback(async (signal: AbortSignal): Promise<AuditPage> => helpdeskApi(token).call('listAudit', { limit: PAGE }, 'Reading the key audit', signal), [token]);
  const audit = useLiveResource(load, 'audit');
  const [older, setOlder] = useState<{ entries: AuditEntry[]; nextBefore: number | null; error: string | null; busy: boolean }>({ entries: [], nextBefore: null, error: null, busy: false });

  const from = older.entries.length > 0 ? older.nextBefore : (audit.data?.nextBefore ?? null);
  const loadOlder = async (): Promise<void> => {
    if (from === null) return;
    setOlder((o) => ({ ...o, busy: true, error: null }));
    try {
      const page = await helpdeskApi(token).call('listAudit', { before: from, limit: PAGE }, 'Reading older audit entries');
      // The newest page shown now is kept too: when new entries push it along, nothing between the pages goes missing.
      setOlder((o) => ({ entries: [...(audit.data?.entries ?? []), ...o.entries, ...page.entries], nextBefore: page.nextBefore, error: null, busy: false }));
    } catch (error) {
      setOlder((o) => ({ ...o, busy: false, error: error instanceof Error ? error.message : String(error) }));
    }
  };

  const rows = audit.data ? newestFirst([...audit.data.entries, ...older.entries]) : [];
  return (
    <Card title="Key reveals" description="Every recovery key the escrow showed or refused: who asked, for which machine, when and why. Passwords are never shown here.">
      {audit.error ? <ErrorBanner title="The key audit could not be read" message={audit.error} /> : null}
      {!audit.data && !audit.error ? <Loading>Reading the key audit…</Loading> : null}
      {audit.data && rows.length === 0 ? (
        <EmptyState icon={<KeyIcon size={28} />} title="No key has been revealed">
          When a technician looks up a recovery key, or an admin imports keys, it appears here.
        </EmptyState>
      ) : null}
      {rows.length > 0 ? <AuditTable rows={rows} /> : null}
      {older.error ? <ErrorBanner title="Older entries could not be read" message={older.error} /> : null}
      {rows.length > 0 && from !== null ? (
        <Button busy={older.busy} disabled={older.busy} onClick={() => void loadOlder()}>
          Show older entries
        </Button>
      ) : null}
    </Card>
  );
}

function newestFirst(entries: AuditEntry[]): AuditEntry[] {
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq);
}

const RESULT_TONE: Record<string, Tone> = { revealed: 'warning', imported: 'info', ambiguous: 'neutral', not_found: 'neutral', rate_limited: 'danger', unreadable: 'danger' };

function AuditTable({ rows }: { rows: AuditEntry[] }): ReactElement {
  return (
    <div className="table-wrap audit">
      <table className="table">
        <caption className="visually-hidden">Key reveals, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Key ID</th>
            <th scope="col">Machine</th>
            <th scope="col">Reason</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.seq}>
              <td>{formatTime(row.at)}</td>
              <td>
                {row.actor} <span className="muted">({row.role})</span>
              </td>
              <td>{auditActionWord(row.action)}</td>
              <td className="mono">{row.keyId ?? '—'}</td>
              <td>{row.machine ?? '—'}</td>
              <td>{row.reason ?? '—'}</td>
              <td>
                <Badge tone={RESULT_TONE[row.result] ?? 'neutral'}>{auditResultWord(row.result)}</Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
