import { useEffect, useRef, type ReactElement } from 'react';
import { useOnNewRequest } from '../../ui/useOnNewRequest.js';
import { useClient } from '../../state/client.js';
import { messageAt } from '../../state/errors.js';
import { isActive } from '../../state/job.js';
import { selectedDrives } from './rules.js';
import { stepView, useDrives } from './store.js';
import { fileName } from './words.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { MediaIcon, SearchIcon } from '../../ui/icons.js';
import { CheckStick } from './CheckStick.js';
import { ConfirmErase } from './ConfirmErase.js';
import { DriveList } from './DriveList.js';
import { ImageField } from './ImageField.js';
import { WriteProgress } from './WriteProgress.js';
import { WriteResult } from './WriteResult.js';
import './drives.css';

/** The Media screen's "Write to drives" step: choose → confirm → live progress → result. */
export function DriveStep(): ReactElement {
  const view = useDrives((s) => stepView(s.writing));
  if (view === 'writing') return <WriteProgress />;
  if (view === 'result') return <WriteResult />;
  return <ChooseDrives />;
}

function focusFirstDrive(): void {
  document.querySelector<HTMLInputElement>('.drive-cards input:not(:disabled)')?.focus();
}

function ChooseDrives(): ReactElement {
  const client = useClient();
  const origin = useDrives((s) => s.origin);
  const image = useDrives((s) => s.image);
  const failure = useDrives((s) => s.failure);
  const failureFocus = useDrives((s) => s.failureFocus);
  const selection = useDrives((s) => s.selection);
  const drives = useDrives((s) => s.list.drives);
  const checking = useDrives((s) => isActive(s.check));
  const imageRef = useRef<HTMLInputElement>(null);
  const writeRef = useRef<HTMLButtonElement>(null);
  const chosen = selectedDrives(selection, drives ?? []).length;

  useEffect(() => {
    if (useDrives.getState().list.drives === null) void useDrives.getState().refresh(client);
    // A stick plugged in while the window was in the background shows up when the technician comes back.
    const onFocus = (): void => {
      const s = useDrives.getState();
      if (stepView(s.writing) === 'choose' && !s.confirming && !s.list.loading) void s.refresh(client);
    };
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [client]);

  const listFocus = useDrives((s) => s.listFocus);
  const listed = drives !== null;
  // Once the list is there (a drive's box can only take focus then); a failure's own focus wins.
  useOnNewRequest(
    'drive-list',
    listFocus.request,
    () => {
      if (useDrives.getState().failure) return;
      if (listFocus.target === 'write') writeRef.current?.focus();
      else focusFirstDrive();
    },
    listed,
  );

  useOnNewRequest('drive-failure', failureFocus, () => {
    const field = useDrives.getState().failure?.field;
    if (field === 'image') imageRef.current?.focus();
    else if (field === 'drives') focusFirstDrive();
    else if (field !== 'confirm') writeRef.current?.focus();
  });

  const top = messageAt(failure, null);

  return (
    <div className="stack" data-testid="drive-step">
      <Card
        title="Write to USB drives"
        id="drive-step"
        icon={<MediaIcon size={24} />}
        description="Choose the image and tick the drives. Each drive is erased, written, then read back and compared with the image."
        actions={
          <Button variant="ghost" onClick={() => useDrives.getState().close()}>
            {origin === 'build' ? 'Back to the result' : 'Back'}
          </Button>
        }
      >
        <ImageField inputRef={imageRef} />
      </Card>
      {top ? <ErrorBanner title="Nothing was written" message={top} /> : null}
      <DriveList />
      <CheckStick />
      <div className="build-bar">
        <Button ref={writeRef} variant="primary" icon={<MediaIcon />} className="build-bar__button" onClick={() => void useDrives.getState().requestWrite(client)}>
          {chosen > 1 ? `Write to ${chosen} drives…` : 'Write to drive…'}
        </Button>
        <Button icon={<SearchIcon />} busy={checking} aria-disabled={checking || undefined} onClick={() => void useDrives.getState().checkDrive(client)}>
          Check a stick
        </Button>
        <p className="build-bar__summary">
          {image.trim() ? <span className="mono break">{fileName(image)}</span> : 'No image chosen'} →{' '}
          {chosen === 0 ? 'no drive chosen' : `${chosen} ${chosen === 1 ? 'drive' : 'drives'}`}
        </p>
      </div>
      <ConfirmErase />
    </div>
  );
}
