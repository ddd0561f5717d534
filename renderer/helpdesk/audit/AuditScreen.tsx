import { useCallback, type ReactElement } from 'react';
import { Card } from '../../ui/Card.js';
import { EmptyState } from '../../ui/EmptyState.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { KeyIcon } from '../../ui/icons.js';
import { Loading } from '../../ui/Spinner.js';
import { ApiError, getJson } from '../api.js';
import { useLiveResource } from '../hooks.js';
import { useToken } from '../session.js';
import { formatTime } from '../words.js';

type AuditRow = Record<string, unknown>;
type AuditAnswer = { available: true; rows: AuditRow[] } | { available: false };

/** The audit's entries whatever list field the server names them in. */
function rowsOf(body: unknown): AuditRow[] {
  if (Array.isArray(body)) return body as AuditRow[];
  if (body && typeof body === 'object') {
    const list = Object.values(body).find(Array.isArray);
    if (list) return list as AuditRow[];
  }
  return [];
}

/** Columns in a reading order: when, who, which key and machine, why; then the rest. */
const PREFERRED = ['at', 'time', 'createdAt', 'technician', 'caller', 'tokenName', 'who', 'keyId', 'keyIdPrefix', 'prefix', 'machine', 'hostname', 'reason', 'outcome', 'result'];
const NEVER_SHOWN = /password|secret|token$/i;

function columnsOf(rows: AuditRow[]): string[] {
  const keys = new Set<string>();
  for (const row of rows.slice(0, 50)) for (const key of Object.keys(row)) if (!NEVER_SHOWN.test(key)) keys.add(key);
  return [...PREFERRED.filter((k) => keys.has(k)), ...[...keys].filter((k) => !PREFERRED.includes(k))];
}

function cell(value: unknown, column: string): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' && /at$|time/i.test(column) && !Number.isNaN(Date.parse(value))) return formatTime(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | number | boolean);
}

/** Who was shown which recovery key, when and why (`GET /api/v1/audit`), live. */
export function AuditScreen(): ReactElement {
  const token = useToken();
  const load = useCallback(
    async (signal: AbortSignal): Promise<AuditAnswer> => {
      try {
        return { available: true, rows: rowsOf(await getJson<unknown>(token, '/api/v1/audit', 'Reading the key audit', signal)) };
      } catch (error) {
        // A server without key escrow has no such route: say so instead of showing a failure.
        if (error instanceof ApiError && error.status === 404) return { available: false };
        throw error;
      }
    },
    [token],
  );
  const audit = useLiveResource(load, 'audit');
  return (
    <Card title="Key reveals" description="Every recovery key the escrow showed: who asked, for which machine, when and why. Passwords are never shown here.">
      {audit.error ? <ErrorBanner title="The key audit could not be read" message={audit.error} /> : null}
      {!audit.data && !audit.error ? <Loading>Reading the key audit…</Loading> : null}
      {audit.data && !audit.data.available ? (
        <EmptyState icon={<KeyIcon size={28} />} title="Key audit not available on this server">
          <span>
            This server has no key escrow yet (it answers 404 for <code>GET /api/v1/audit</code>). Update bootmend-server to see who was shown which recovery key.
          </span>
        </EmptyState>
      ) : null}
      {audit.data?.available && audit.data.rows.length === 0 ? (
        <EmptyState icon={<KeyIcon size={28} />} title="No key has been revealed">
          When a technician looks up a recovery key, the lookup appears here.
        </EmptyState>
      ) : null}
      {audit.data?.available && audit.data.rows.length > 0 ? <AuditTable rows={audit.data.rows} /> : null}
    </Card>
  );
}

function AuditTable({ rows }: { rows: AuditRow[] }): ReactElement {
  const columns = columnsOf(rows);
  return (
    <div className="table-wrap audit">
      <table className="table">
        <caption className="visually-hidden">Key reveals, newest first</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={typeof row.id === 'string' ? row.id : i}>
              {columns.map((c) => (
                <td key={c}>{cell(row[c], c)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
