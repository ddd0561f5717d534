import { useEffect, useRef, type FormEvent, type ReactElement } from 'react';
import { useOnNewRequest } from '../../ui/useOnNewRequest.js';
import { useClient } from '../../state/client.js';
import { useDrives } from '../drives/store.js';
import { buildFailure, suggestOutput, useMedia, usePlaybooks, type MediaField } from './store.js';
import { messageAt } from '../../state/errors.js';
import { isActive } from '../../state/job.js';
import { useAppInfo } from '../../state/resources.js';
import { Button } from '../../ui/Button.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { InfoIcon, MediaIcon, UsbStickIcon } from '../../ui/icons.js';
import { ScreenHeader } from '../../ui/ScreenHeader.js';
import { BaseStep } from './BaseStep.js';
import { BuildProgress } from './BuildProgress.js';
import { BuildResult } from './BuildResult.js';
import { DriveStep } from '../drives/DriveStep.js';
import { formatLabel, OutputStep } from './OutputStep.js';
import { PlaybookStep } from './PlaybookStep.js';
import './media.css';

/** The Media screen: playbook → base → output → build with live progress → result → write to drives. */
export function MediaScreen(): ReactElement {
  const client = useClient();
  const catalog = usePlaybooks((s) => s.data);
  const dataDir = useAppInfo((s) => s.data?.dataDir ?? null);
  const building = useMedia((s) => s.building);
  const playbookId = useMedia((s) => s.playbookId);
  const format = useMedia((s) => s.format);
  const outTyped = useMedia((s) => s.outTyped);
  const builtPaths = useMedia((s) => s.builtPaths);
  const writingDrives = useDrives((s) => s.open);

  useEffect(() => {
    const playbooks = usePlaybooks.getState();
    if (playbooks.data === null && !playbooks.loading) void playbooks.load(client);
    const info = useAppInfo.getState();
    if (info.data === null && !info.loading) void info.load(client);
  }, [client]);

  useEffect(() => {
    // One playbook: nothing to choose, so choose it.
    const only = catalog?.playbooks.length === 1 ? catalog.playbooks[0]! : null;
    if (only && useMedia.getState().playbookId === null) useMedia.getState().setPlaybook(only.playbook.id);
  }, [catalog]);

  const selected = catalog?.playbooks.find((entry) => entry.playbook.id === playbookId)?.playbook ?? null;
  const suggestion = suggestOutput(dataDir, selected, format, builtPaths);
  const out = outTyped ?? suggestion;
  const busy = isActive(building);

  return (
    <>
      <ScreenHeader
        title="Media"
        lead="Make the boot medium you carry from one crashed PC to the next."
        actions={
          writingDrives || busy ? null : (
            <Button icon={<UsbStickIcon />} onClick={() => useDrives.getState().openDirect()}>
              Write an image to USB drives…
            </Button>
          )
        }
      />
      {writingDrives ? (
        <DriveStep />
      ) : building.status === 'done' ? (
        <BuildResult result={building.result} />
      ) : (
        <>
          {/* The form stays mounted (hidden) while building, so its fields keep their state and can take focus after a failure. */}
          {busy ? <BuildProgress out={out} /> : null}
          <MediaForm out={out} suggestion={suggestion} hidden={busy} />
        </>
      )}
    </>
  );
}

function MediaForm({ out, suggestion, hidden }: { out: string; suggestion: string; hidden: boolean }): ReactElement {
  const client = useClient();
  const cancelled = useMedia((s) => s.building.status === 'cancelled');
  const failure = useMedia((s) => buildFailure(s.building));
  const format = useMedia((s) => s.format);
  const baseMode = useMedia((s) => s.baseMode);
  const playbookRef = useRef<HTMLInputElement>(null);
  const baseRef = useRef<HTMLInputElement>(null);
  const outRef = useRef<HTMLInputElement>(null);
  const timestampRef = useRef<HTMLInputElement>(null);
  const buildRef = useRef<HTMLButtonElement>(null);
  const failureFocus = useMedia((s) => s.failureFocus);

  // Back from a build that failed or was cancelled: the cursor goes to the field at fault, else to Build.
  useOnNewRequest('media-failure', failureFocus, () => {
    const field = buildFailure(useMedia.getState().building)?.field;
    if (!field) {
      buildRef.current?.focus();
      return;
    }
    const refs: Record<MediaField, typeof timestampRef> = { playbook: playbookRef, base: baseRef, out: outRef, timestamp: timestampRef };
    refs[field].current?.focus();
  });

  const fieldError = (field: MediaField): string | null => messageAt(failure, field);
  // A base failure while "Payload only" is chosen still belongs beside the base choice (BaseStep shows it).
  const topFailure = messageAt(failure, null);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    await useMedia.getState().build(client, out);
  }

  return (
    <form className="stack media-form" hidden={hidden} noValidate onSubmit={(event) => void submit(event)} aria-label="Build a medium">
      {topFailure ? <ErrorBanner title="The medium was not built" message={topFailure} /> : null}
      {cancelled ? (
        <Notice icon={<InfoIcon size={22} />}>
          <p>
            <strong>Cancelled — nothing usable was written.</strong> Your choices are kept: press Build to start again.
          </p>
        </Notice>
      ) : null}
      <PlaybookStep error={fieldError('playbook')} firstRadioRef={playbookRef} />
      <BaseStep error={fieldError('base')} pathRef={baseRef} />
      <OutputStep
        out={out}
        suggestion={suggestion}
        outError={fieldError('out')}
        timestampError={fieldError('timestamp')}
        outRef={outRef}
        timestampRef={timestampRef}
      />
      <div className="build-bar">
        <Button ref={buildRef} type="submit" variant="primary" icon={<MediaIcon />} className="build-bar__button">
          Build {formatLabel(format)}
        </Button>
        <p className="build-bar__summary">
          {baseMode === 'payload-only' ? 'Payload only' : 'On the WinPE base'} · {formatLabel(format)}
          {out ? (
            <>
              {' '}
              → <span className="mono break">{out}</span>
            </>
          ) : null}
        </p>
      </div>
    </form>
  );
}
