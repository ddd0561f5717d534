import { useState, type ReactElement } from 'react';
import { Button } from '../../ui/Button.js';
import { query, request } from '../api.js';
import { useToken } from '../session.js';
import { filterQuery, type MachineFilter } from './pages.js';
import { ReportButton } from './ReportButton.js';

type Format = 'csv' | 'json' | 'ndjson';

/** The file name the server chose (Content-Disposition), else one of ours. */
function fileName(response: Response, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return match?.[1] ?? fallback;
}

/**
 * Downloads `GET /api/v1/export` with the table's filters. A plain link cannot carry the
 * token header, so the file is fetched and handed to the browser as a download.
 */
export function ExportButtons({ filter }: { filter: MachineFilter }): ReactElement {
  const token = useToken();
  const [format, setFormat] = useState<Format>('csv');
  const [busy, setBusy] = useState<'machines' | 'events' | null>(null);
  const [message, setMessage] = useState('');
  const download = async (what: 'machines' | 'events') => {
    setBusy(what);
    setMessage('');
    try {
      const response = await request(token, `/api/v1/export${query({ ...filterQuery(filter), format, events: what === 'events' ? '1' : null })}`, 'The export');
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName(response, `bootmend-${what}.${format}`);
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setMessage(`Saved ${link.download}.`);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="export" role="group" aria-label="Export">
      <label className="export__format">
        <span className="visually-hidden">Export format</span>
        <select className="input" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
          <option value="csv">CSV</option>
          <option value="json">JSON</option>
          <option value="ndjson">NDJSON</option>
        </select>
      </label>
      <Button busy={busy === 'machines'} disabled={busy !== null} onClick={() => void download('machines')}>
        Export machines
      </Button>
      <Button busy={busy === 'events'} disabled={busy !== null} onClick={() => void download('events')}>
        Export event log
      </Button>
      <span className="export__message" role="status">
        {message}
      </span>
      <ReportButton site={filter.site} />
    </div>
  );
}
