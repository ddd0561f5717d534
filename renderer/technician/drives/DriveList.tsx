import { useRef, type KeyboardEvent, type ReactElement } from 'react';
import { useClient } from '../../state/client.js';
import { messageAt } from '../../state/errors.js';
import { hiddenUsbHddCount, selectedDrives, visibleDrives } from './rules.js';
import { useDrives } from './store.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { CheckIcon, InfoIcon, RefreshIcon, UsbStickIcon } from '../../ui/icons.js';
import { Loading } from '../../ui/Spinner.js';

import { DriveCard } from './DriveCard.js';
import { FieldError } from '../../ui/FieldError.js';

/** The drives of this computer, choosable ones first; nothing is ticked until the technician ticks it. */
export function DriveList(): ReactElement {
  const client = useClient();
  const list = useDrives((s) => s.list);
  const showUsbHdd = useDrives((s) => s.showUsbHdd);
  const selection = useDrives((s) => s.selection);
  const failure = useDrives((s) => s.failure);
  const listRef = useRef<HTMLUListElement>(null);

  const all = list.drives ?? [];
  const shown = visibleDrives(all, showUsbHdd);
  const hidden = hiddenUsbHddCount(all, showUsbHdd);
  const chosen = selectedDrives(selection, all).length;
  const choosable = shown.filter((d) => d.selectable).length;
  const error = messageAt(failure, 'drives');

  return (
    <Card
      title="Drives"
      id="drive-list"
      icon={<UsbStickIcon size={24} />}
      description="Plug in the sticks and they appear here (press Refresh if one does not). Nothing is ticked until you tick it."
      actions={
        <Button icon={<RefreshIcon />} busy={list.loading} aria-disabled={list.loading || undefined} onClick={() => void useDrives.getState().refresh(client)}>
          Refresh
        </Button>
      }
    >
      <div className="drive-toolbar">
        <label className="check">
          <input
            type="checkbox"
            role="switch"
            checked={showUsbHdd}
            onChange={(event) => void useDrives.getState().setShowUsbHdd(client, event.target.checked)}
          />
          <span>Show USB hard disks</span>
        </label>
        <Button variant="ghost" icon={<CheckIcon />} onClick={() => useDrives.getState().selectAllSticks()} disabled={choosable === 0}>
          Select all sticks
        </Button>
        {chosen > 0 ? (
          <Button variant="ghost" onClick={() => useDrives.getState().clearSelection()}>
            Clear
          </Button>
        ) : null}
        <p className="drive-toolbar__count" aria-live="polite" data-testid="drive-count">
          {chosen === 0 ? 'No drive chosen' : `${chosen} ${chosen === 1 ? 'drive' : 'drives'} chosen`}
        </p>
      </div>
      {error ? <FieldError id="drive-list-error">{error}</FieldError> : null}
      {list.error ? (
        <ErrorBanner
          title="The drives could not be listed"
          message={list.error}
          action={
            <Button icon={<RefreshIcon />} onClick={() => void useDrives.getState().refresh(client)}>
              Try again
            </Button>
          }
        />
      ) : null}
      {list.drives === null ? (
        list.error ? null : <Loading>Looking for drives…</Loading>
      ) : (
        <fieldset className="drive-group" aria-describedby={error ? 'drive-list-error' : undefined}>
          <legend className="visually-hidden">Drives to erase and write the image to</legend>
          {choosable === 0 ? (
            <p className="drive-empty" role="status">
              <InfoIcon size={20} />
              <span>No USB stick or SD card to write to. Plug one in, then press Refresh.</span>
            </p>
          ) : null}
          <ul className="drive-cards" ref={listRef} onKeyDown={(event) => moveFocus(event, listRef.current)}>
            {shown.map((drive) => (
              <DriveCard key={drive.device} drive={drive} checked={selection[drive.device] !== undefined} onToggle={() => useDrives.getState().toggle(drive.device)} />
            ))}
          </ul>
        </fieldset>
      )}
      {hidden > 0 ? (
        <p className="muted" data-testid="hidden-usb-hdd">
          {hidden === 1 ? '1 USB hard disk is hidden' : `${hidden} USB hard disks are hidden`}: they often hold someone&apos;s backups. Switch on
          &ldquo;Show USB hard disks&rdquo; to see {hidden === 1 ? 'it' : 'them'}.
        </p>
      ) : null}
    </Card>
  );
}

/** Arrow keys (and Home/End) move between the choosable drives; Space ticks, as on any checkbox. */
function moveFocus(event: KeyboardEvent<HTMLUListElement>, list: HTMLUListElement | null): void {
  if (!list || !['ArrowDown', 'ArrowUp', 'ArrowRight', 'ArrowLeft', 'Home', 'End'].includes(event.key)) return;
  const boxes = [...list.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:not(:disabled)')];
  if (boxes.length === 0) return;
  const at = boxes.indexOf(document.activeElement as HTMLInputElement);
  const last = boxes.length - 1;
  const next =
    event.key === 'Home' ? 0 : event.key === 'End' ? last : event.key === 'ArrowDown' || event.key === 'ArrowRight' ? Math.min(last, at + 1) : Math.max(0, at - 1);
  event.preventDefault();
  boxes[next]?.focus();
}
