import { useRef, useState, type ReactElement } from 'react';
import type { FleetImportResult } from '../../../core/backend/schemas.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { request } from '../api.js';
import { useToken } from '../session.js';
import { formatCount } from '../words.js';

/** JSON by its name or its first character; anything else goes as CSV, which the server sniffs for its separator. */
function contentType(file: File, text: string): string {
  return /\.json$/i.test(file.name) || /^\s*[[{]/.test(text) ? 'application/json' : 'text/csv';
}

/** The affected fleet from a CSV or JSON file (`POST /api/v1/fleet/import`), with the rows left out and why. */
export function ImportScreen(): ReactElement {
  const token = useToken();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ name: string; answer: FleetImportResult } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async () => {
    if (!file) {
      setError('Choose a CSV or JSON file of the affected machines first.');
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const text = await file.text();
      const response = await request(token, '/api/v1/fleet/import', `Importing ${file.name}`, { method: 'POST', headers: { 'content-type': contentType(file, text) }, body: text });
      setResult({ name: file.name, answer: (await response.json()) as FleetImportResult });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Fleet import" description="Add or update the affected machines from a CSV (hostname, serial, asset tag, site, owner; comma, semicolon or tab) or JSON file. Machines without events show as pending.">
      <div className="stack">
        <div className="import">
          <label className="field__label" htmlFor="fleet-file">
            Fleet file (CSV or JSON)
          </label>
          <input
            id="fleet-file"
            ref={input}
            className="import__file"
            type="file"
            accept=".csv,.tsv,.txt,.json,text/csv,application/json"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setResult(null);
              setError(null);
            }}
          />
          <Button variant="primary" busy={busy} onClick={() => void upload()}>
            Import
          </Button>
        </div>
        {error ? <ErrorBanner title="The fleet was not imported" message={error} /> : null}
        {result ? (
          <div className="stack" aria-label="Import result" role="region">
            <Notice tone={result.answer.rejected.length > 0 ? 'warning' : 'success'}>
              {result.name}: {formatCount(result.answer.created)} {result.answer.created === 1 ? 'machine' : 'machines'} added, {formatCount(result.answer.updated)} updated
              {result.answer.rejected.length > 0 ? `, ${formatCount(result.answer.rejected.length)} ${result.answer.rejected.length === 1 ? 'row' : 'rows'} left out (below).` : '.'}
            </Notice>
            {result.answer.rejected.length > 0 ? (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Rows left out</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="num">
                        Row
                      </th>
                      <th scope="col">Why it was left out</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.answer.rejected.map((r) => (
                      <tr key={r.row}>
                        <td className="num">{r.row}</td>
                        <td>{r.reason}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        ) : null}
      </div>
    </Card>
  );
}
