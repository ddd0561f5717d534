import type { ReactElement } from 'react';
import { MachineStatusSchema } from '../../../core/journal/schemas.js';
import { useClient } from '../../state/client.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { EmptyState } from '../../ui/EmptyState.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { JournalIcon, SearchIcon } from '../../ui/icons.js';
import { ScreenHeader } from '../../ui/ScreenHeader.js';
import { Loading } from '../../ui/Spinner.js';
import { useRefresh } from '../../ui/useRefresh.js';
import { MachineTable } from './MachineTable.js';
import { MachineTimeline } from './MachineTimeline.js';
import { StickCard } from './StickCard.js';
import { OPEN_STATUSES, useJournal, type ExportKind, type StatusFilter } from './store.js';
import { STATUS_LABEL } from './words.js';
import './journal.css';

/** The Recover screen and the CLI write to the same journal: look again this often. */
const LIST_POLL_MS = 10_000;

/** Saves an export through a Blob link: no file dialog to build, same in Electron and the browser. */
function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

const EXPORTS: [ExportKind, string][] = [
  ['csv', 'Export CSV'],
  ['json', 'Export JSON'],
  ['events', 'Export events'],
];

export function JournalScreen(): ReactElement {
  const client = useClient();
  const list = useJournal((s) => s.list);
  const listError = useJournal((s) => s.listError);
  const filters = useJournal((s) => s.filters);
  const selectedId = useJournal((s) => s.selectedId);
  const detail = useJournal((s) => s.detail);
  const detailError = useJournal((s) => s.detailError);
  const exporting = useJournal((s) => s.exporting);
  const exportError = useJournal((s) => s.exportError);
  const journal = useJournal.getState();

  useRefresh(() => void useJournal.getState().refresh(client), LIST_POLL_MS, [client]);

  const counts = list?.counts;
  const openCount = counts ? OPEN_STATUSES.reduce((n, s) => n + counts[s], 0) : 0;
  const total = counts ? Object.values(counts).reduce((n, c) => n + c, 0) : 0;
  const chips: [StatusFilter, string, number][] = [
    ['all', 'All', total],
    ['open', 'Open', openCount],
    ...MachineStatusSchema.options.filter((s) => (counts?.[s] ?? 0) > 0).map((s): [StatusFilter, string, number] => [s, STATUS_LABEL[s], counts?.[s] ?? 0]),
  ];

  return (
    <>
      <ScreenHeader title="Journal" lead="Every machine worked on from this laptop: outcome, path, who, how long, and what was removed." />
      <div className="stack journal">
        <Card
          title="Machines"
          description={list ? `${list.machines.length.toLocaleString()} of ${total.toLocaleString()} shown${list.damagedLines > 0 ? ` · ${list.damagedLines} damaged journal line(s) skipped` : ''}` : undefined}
          actions={EXPORTS.map(([kind, label]) => (
            <Button key={kind} busy={exporting === kind} disabled={exporting !== null || total === 0} onClick={() => void journal.exportAs(client, kind, download)}>
              {label}
            </Button>
          ))}
          testId="journal-machines"
        >
          <div className="journal__filters">
            <div className="journal__search">
              <SearchIcon />
              <input
                className="input"
                type="search"
                aria-label="Search hostname, serial or asset tag"
                placeholder="Search hostname, serial or asset tag"
                value={filters.q}
                onChange={(e) => journal.setFilters(client, { q: e.target.value })}
              />
            </div>
            <select className="input journal__site" aria-label="Site" value={filters.site} onChange={(e) => journal.setFilters(client, { site: e.target.value })}>
              <option value="">All sites</option>
              {(list?.sites ?? []).map((site) => (
                <option key={site} value={site}>
                  {site}
                </option>
              ))}
            </select>
          </div>
          <div className="journal__chips" role="radiogroup" aria-label="Status">
            {chips.map(([value, label, count]) => (
              <button
                key={value}
                type="button"
                role="radio"
                aria-checked={filters.status === value}
                className={['chip', filters.status === value ? 'chip--on' : null].filter(Boolean).join(' ')}
                onClick={() => journal.setFilters(client, { status: value })}
              >
                {label} <span className="chip__count">{count.toLocaleString()}</span>
              </button>
            ))}
          </div>
          {exportError ? <ErrorBanner title="The export did not work" message={exportError} /> : null}
          {listError ? <ErrorBanner title="Could not read the journal" message={listError} /> : null}
          {!list && !listError ? <Loading>Reading the journal…</Loading> : null}
          {list && list.machines.length === 0 ? (
            <EmptyState
              icon={total === 0 ? <JournalIcon size={36} /> : <SearchIcon size={36} />}
              title={total === 0 ? 'No machines yet' : 'No machine matches'}
            >
              <p>{total === 0 ? 'Machines appear here as you add them on the Recover screen or read results from a stick.' : 'Change the search, the site or the status.'}</p>
            </EmptyState>
          ) : null}
          {list && list.machines.length > 0 ? <MachineTable machines={list.machines} selectedId={selectedId} onSelect={(id) => void journal.select(client, id)} /> : null}
        </Card>
        {selectedId ? <MachineTimeline detail={detail} error={detailError} onClose={() => void journal.select(client, null)} /> : null}
        <StickCard />
      </div>
    </>
  );
}
