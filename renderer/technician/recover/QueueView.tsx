import { useRef, type FormEvent, type KeyboardEvent, type ReactElement } from 'react';
import type { MachineState, MachineStatus } from '../../../core/journal/schemas.js';
import { stickSays } from '../../../core/journal/ingest-summary.js';
import { isTodo, secondsWorkedAt } from '../../../core/recover/outcome.js';
import type { ScanKind } from '../../../core/recover/queue.js';
import { PATH_INFO } from '../../../core/recover/walkthrough.js';
import { useClient } from '../../state/client.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { AlertIcon, CloudIcon, RecoverIcon, SearchIcon } from '../../ui/icons.js';
import type { OfferedMachine } from './queue-source.js';
import { useRecoverFocus } from './shared.js';
import { useRecover, visibleMachines, visibleOffers, type StatusFilter } from './store.js';
import { formatDuration, identityDetails, queueCounts, SCAN_KIND_LABEL, STATUS_FILTERS, STATUS_LABEL, STATUS_TONE } from './words.js';

/** Counted from the machines on screen, so a saved event shows at once (the journal's own counts come with the next read). */
export function countByStatus(machines: readonly MachineState[], offered: number): Partial<Record<MachineStatus, number>> {
  const counts: Partial<Record<MachineStatus, number>> = { pending: offered };
  for (const machine of machines) counts[machine.status] = (counts[machine.status] ?? 0) + 1;
  return counts;
}

/** A barcode scanner types a whole label in a few milliseconds per key; a person does not. */
const SCANNER_MS_PER_KEY = 35;

/** The one field for a typed or scanned hostname, asset tag or serial; Enter opens (adding when new), Enter on empty opens the next. */
function ScanCard(): ReactElement {
  const client = useClient();
  const failure = useRecover((s) => s.scanFailure);
  const busy = useRecover((s) => s.busy);
  const kind = useRecover((s) => s.scanKind);
  const newSite = useRecover((s) => s.newSite);
  const text = useRecover((s) => s.filter.text);
  const input = useRef<HTMLInputElement>(null);
  const keyTimes = useRef<number[]>([]);
  useRecoverFocus('scan', input, { select: true });

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const times = keyTimes.current;
    const scanned = times.length >= 3 && (times.at(-1)! - times[0]!) / (times.length - 1) < SCANNER_MS_PER_KEY;
    keyTimes.current = [];
    const value = text;
    useRecover.getState().setFilter({ text: '' });
    void useRecover.getState().scan(client, value, scanned ? 'scanned' : 'typed');
  }

  return (
    <Card title="Next machine" id="recover-scan-card" icon={<RecoverIcon size={24} />} description="Scan or type its asset tag, hostname or serial and press Enter. Enter on an empty box (or N) opens the next machine in the queue.">
      <form className="scan" noValidate onSubmit={submit} role="search" aria-label="Open or add a machine">
        <div className="field field--wide">
          <label className="field__label" htmlFor="recover-scan">
            Hostname, asset tag or serial
          </label>
          <div className="field__row">
            <input
              ref={input}
              id="recover-scan"
              className="input scan__input mono"
              type="text"
              spellCheck={false}
              autoComplete="off"
              autoFocus
              maxLength={200}
              value={text}
              aria-invalid={failure ? true : undefined}
              aria-describedby={failure ? 'recover-scan-error' : undefined}
              onKeyDown={(event) => {
                if (event.key.length === 1) keyTimes.current.push(performance.now());
              }}
              onChange={(event) => {
                if (event.target.value === '') keyTimes.current = [];
                useRecover.getState().setFilter({ text: event.target.value });
              }}
            />
            <Button type="submit" variant="primary" icon={<SearchIcon />} busy={busy}>
              Open
            </Button>
          </div>
          {failure ? (
            <p className="field__error" id="recover-scan-error" role="alert">
              {failure}
            </p>
          ) : null}
        </div>
        <div className="scan__options">
          <div className="field">
            <label className="field__label" htmlFor="recover-scan-kind">
              A new label is its
            </label>
            <select id="recover-scan-kind" className="input" value={kind} onChange={(event) => useRecover.getState().setScanKind(event.target.value as ScanKind)}>
              {(Object.keys(SCAN_KIND_LABEL) as ScanKind[]).map((value) => (
                <option key={value} value={value}>
                  {SCAN_KIND_LABEL[value]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field__label" htmlFor="recover-new-site">
              Site for new machines
            </label>
            <input id="recover-new-site" className="input" type="text" maxLength={100} autoComplete="off" placeholder="e.g. Berlin HQ" value={newSite} onChange={(event) => useRecover.getState().setNewSite(event.target.value)} />
          </div>
        </div>
      </form>
    </Card>
  );
}

/** At most this many fleet-list machines are listed at once; the filters narrow the rest. */
const OFFERS_SHOWN = 200;

/** "Pull fleet list for site …": the backend's list of the site's machines still to do, offered in the queue. */
function FleetPullRow(): ReactElement {
  const client = useClient();
  const fleet = useRecover((s) => s.fleet);
  const fallbackSite = useRecover((s) => s.filter.site ?? (s.newSite.trim() || null));
  const site = fleet.site || fallbackSite || '';

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (fleet.site === '' && site !== '') useRecover.getState().setFleetSite(site);
    void useRecover.getState().pullFleet(client);
  }

  const pulled = fleet.pulled;
  return (
    <form className="fleet-pull" noValidate onSubmit={submit} aria-label="Pull the backend's fleet list" data-testid="fleet-pull">
      <div className="field">
        <label className="field__label" htmlFor="recover-fleet-site">
          Fleet list of site
        </label>
        <div className="field__row">
          <input
            id="recover-fleet-site"
            className="input"
            type="text"
            maxLength={100}
            autoComplete="off"
            placeholder="e.g. Berlin"
            value={site}
            aria-invalid={fleet.status === 'failed' ? true : undefined}
            aria-describedby={fleet.status === 'failed' ? 'recover-fleet-error' : 'recover-fleet-status'}
            onChange={(event) => useRecover.getState().setFleetSite(event.target.value)}
          />
          <Button type="submit" icon={<CloudIcon />} busy={fleet.status === 'pulling'} data-testid="fleet-pull-button">
            {`Pull fleet list for site ${site.trim() || '…'}`}
          </Button>
        </div>
        {fleet.status === 'failed' && fleet.error ? (
          <p className="field__error" id="recover-fleet-error" role="alert">
            {fleet.error}
          </p>
        ) : (
          <p className="field__hint muted" id="recover-fleet-status" aria-live="polite">
            {fleet.status === 'pulling'
              ? `Asking the backend for ${site}'s machines…`
              : pulled
                ? `${pulled.machines.toLocaleString()} machine${pulled.machines === 1 ? '' : 's'} still to do at ${pulled.site} on the backend (pulled ${new Date(pulled.pulledAt).toLocaleTimeString()})${pulled.truncated ? '; the list was cut at that many' : ''}. Those not in this laptop's journal are in the queue below.`
                : "The backend's list of the site's machines still to do joins the queue; the same hostname, serial or asset tag is one machine."}
          </p>
        )}
      </div>
    </form>
  );
}

export interface QueueListProps {
  machines: MachineState[];
  offered: OfferedMachine[];
  now: number;
  onOpen: (machineId: string) => void;
  onOpenOffered: (offer: OfferedMachine) => void;
}

/** The list: the first row is what "next" opens; Up/Down move, Enter opens. */
export function QueueList({ machines, offered, now, onOpen, onOpenOffered }: QueueListProps): ReactElement {
  function onKeyDown(event: KeyboardEvent<HTMLUListElement>): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button.queue-row')];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[index + (event.key === 'ArrowDown' ? 1 : -1)];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }
  if (machines.length === 0 && offered.length === 0) return <p className="muted queue__empty">No machine matches. Scan the first one above.</p>;
  const shownOffers = offered.slice(0, OFFERS_SHOWN);
  return (
    <ul className="queue" aria-label="Machines" onKeyDown={onKeyDown} data-testid="queue">
      {machines.map((machine, index) => {
        const details = identityDetails(machine.machine);
        const stick = stickSays(machine);
        return (
          <li key={machine.machineId}>
            <button type="button" className="queue-row" onClick={() => onOpen(machine.machineId)} data-testid="queue-row">
              <span className="queue-row__who">
                <span className="queue-row__name mono">{machine.machine.hostname}</span>
                {details ? <span className="queue-row__details muted">{details}</span> : null}
              </span>
              <span className="queue-row__badges">
                {index === 0 && isTodo(machine.status) ? <Badge tone="info">Next</Badge> : null}
                <Badge tone={STATUS_TONE[machine.status]}>{STATUS_LABEL[machine.status]}</Badge>
                {stick ? (
                  <span className="muted" data-testid="stick-says" title="What the stick's result says; not recorded until you confirm it">
                    {stick}
                  </span>
                ) : null}
                {machine.path ? <span className="muted">{PATH_INFO[machine.path].label}</span> : null}
              </span>
              <span className="queue-row__time mono muted">{machine.startedAt ? formatDuration(secondsWorkedAt(machine, now)) : ''}</span>
            </button>
          </li>
        );
      })}
      {shownOffers.map((offer) => (
        <li key={offer.key}>
          <button type="button" className="queue-row" onClick={() => onOpenOffered(offer)} data-testid="queue-row">
            <span className="queue-row__who">
              <span className="queue-row__name mono">{offer.identity.hostname}</span>
              <span className="queue-row__details muted">{identityDetails(offer.identity)}</span>
            </span>
            <span className="queue-row__badges">
              <Badge tone="neutral">From the fleet list</Badge>
            </span>
            <span />
          </button>
        </li>
      ))}
      {offered.length > shownOffers.length ? (
        <li className="muted queue__more">{`${(offered.length - shownOffers.length).toLocaleString()} more from the fleet list: type part of a hostname, serial or asset tag above to find one.`}</li>
      ) : null}
    </ul>
  );
}

export function QueueView({ now }: { now: number }): ReactElement {
  const client = useClient();
  const list = useRecover((s) => s.list);
  const listError = useRecover((s) => s.listError);
  const filter = useRecover((s) => s.filter);
  const machines = visibleMachines({ list, filter });
  return (
    <div className="stack recover-queue">
      <ScanCard />
      <Card title="Queue" id="recover-queue" description={list ? queueCounts(countByStatus(list.machines, list.offered.length)) : 'Reading the journal…'}>
        {listError ? (
          <ErrorBanner
            title="Could not read the journal"
            message={listError}
            action={
              <Button onClick={() => void useRecover.getState().load(client)}>Retry</Button>
            }
          />
        ) : null}
        {list && list.damagedLines > 0 ? (
          <Notice tone="warning" icon={<AlertIcon size={20} />}>
            <p>{list.damagedLines === 1 ? 'One line' : `${list.damagedLines} lines`} of the journal failed their checksum (a write cut short) and were left out.</p>
          </Notice>
        ) : null}
        <FleetPullRow />
        <div className="queue-filters">
          <div className="field">
            <label className="field__label" htmlFor="recover-filter-status">
              Show
            </label>
            <select id="recover-filter-status" className="input" value={filter.status} onChange={(event) => useRecover.getState().setFilter({ status: event.target.value as StatusFilter })}>
              {STATUS_FILTERS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field__label" htmlFor="recover-filter-site">
              Site
            </label>
            <select id="recover-filter-site" className="input" value={filter.site ?? ''} onChange={(event) => useRecover.getState().setFilter({ site: event.target.value || null })}>
              <option value="">Every site</option>
              {(list?.sites ?? []).map((site) => (
                <option key={site} value={site}>
                  {site}
                </option>
              ))}
            </select>
          </div>
        </div>
        {list ? (
          <QueueList
            machines={machines}
            offered={filter.status === 'todo' || filter.status === 'all' || filter.status === 'pending' ? visibleOffers({ list, filter }) : []}
            now={now}
            onOpen={(id) => void useRecover.getState().open(client, id)}
            onOpenOffered={(offer) => void useRecover.getState().openOffered(client, offer)}
          />
        ) : null}
      </Card>
    </div>
  );
}
