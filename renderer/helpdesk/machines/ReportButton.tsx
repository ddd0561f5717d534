import { useState, type ReactElement } from 'react';
import { Button } from '../../ui/Button.js';
import { query, request } from '../api.js';
import { useToken } from '../session.js';

/**
 * Opens `GET /api/v1/report` for the site in the filter (every site when none) in a new tab,
 * ready to print. The tab is opened on the click itself, before the fetch, so no popup blocker
 * stops it; it shows the page once it has arrived, as a blob (a link cannot carry the token).
 */
export function ReportButton({ site }: { site: string }): ReactElement {
  const token = useToken();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const open = async () => {
    setBusy(true);
    setMessage('');
    const tab = window.open('', '_blank');
    try {
      const response = await request(token, `/api/v1/report${query({ site: site.trim() })}`, 'The report');
      const url = URL.createObjectURL(await response.blob());
      if (tab) tab.location.href = url;
      else window.location.assign(url);
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setMessage(`Opened the report for ${site.trim() || 'every site'}.`);
    } catch (error) {
      tab?.close();
      setMessage(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button busy={busy} disabled={busy} onClick={() => void open()} title="Totals, time to fix and every machine still down, on one printable page">
        {site.trim() ? `Printable report: ${site.trim()}` : 'Printable report'}
      </Button>
      <span className="export__message" role="status">
        {message}
      </span>
    </>
  );
}
