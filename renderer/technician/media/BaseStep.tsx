import type { ReactElement, Ref } from 'react';
import type { MediaBaseInfo } from '../../../core/media/schemas.js';
import { useClient } from '../../state/client.js';
import { playbookChecks } from '../../../core/media/playbook-checks.js';
import { useMedia, usePlaybooks, type BaseMode } from './store.js';
import { BaseToolsLine, PlaybookChecksList } from './PlaybookChecks.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ChoiceCards } from '../../ui/ChoiceCards.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { AlertIcon, CheckCircleIcon, CrossCircleIcon, SearchIcon } from '../../ui/icons.js';
import { PathField } from './fields.js';
import { FieldError } from '../../ui/FieldError.js';

const MODES: { id: BaseMode; label: string; hint: string }[] = [
  { id: 'payload-only', label: 'Payload only', hint: 'Run fix.cmd from the WinRE command prompt (Troubleshoot → Command Prompt).' },
  { id: 'winpe-folder', label: 'WinPE or WinRE base', hint: 'A copype media folder, the ADK, a WinPE ISO or a Winre.wim: the medium starts the PC by itself.' },
];

/** Step 2: payload only, or on a WinPE base folder (checked with inspectMediaBase). */
export function BaseStep({ error, pathRef }: { error: string | null; pathRef: Ref<HTMLInputElement> }): ReactElement {
  const client = useClient();
  const mode = useMedia((s) => s.baseMode);
  const path = useMedia((s) => s.basePath);
  const check = useMedia((s) => s.baseCheck);
  const checking = check.status === 'checking';
  const stale = check.path !== path.trim();
  const runCheck = (): void => void useMedia.getState().checkBase(client);

  return (
    <Card title="2. Base" id="media-base" description="What starts the crashed PC when it boots from this medium.">
      <ChoiceCards name="base-mode" legend="Base" showLegend={false} columns="two" options={MODES} value={mode} onChange={(id) => useMedia.getState().setBaseMode(id)} />
      {mode === 'payload-only' && error ? <FieldError id="media-base-error">{error}</FieldError> : null}
      {mode === 'winpe-folder' ? (
        <PathField
          id="media-base-path"
          label="Base on this computer"
          hint={
            <>
              A folder in the Windows ADK &quot;Media&quot; layout (<span className="mono">EFI\Boot</span>, <span className="mono">Boot</span>,{' '}
              <span className="mono">sources\boot.wim</span>), the ADK&apos;s WinPE folder, a WinPE <span className="mono">.iso</span>, or a{' '}
              <span className="mono">Winre.wim</span> copied from any Windows 10/11 PC (it can unlock BitLocker). Bootmend works on a copy; your base is not changed.
            </>
          }
          placeholder="C:\WinPE_amd64\media"
          value={path}
          error={error}
          inputRef={pathRef}
          onChange={(value) => useMedia.getState().setBasePath(value)}
          onEnter={runCheck}
          action={
            <Button icon={<SearchIcon />} busy={checking} onClick={runCheck}>
              {checking ? 'Checking…' : 'Check'}
            </Button>
          }
        >
          {check.status === 'failed' && check.error && !stale ? <FieldError id="media-base-check-error">{check.error}</FieldError> : null}
          {check.status === 'done' && check.info ? <BaseReport info={check.info} stale={stale} /> : null}
        </PathField>
      ) : null}
    </Card>
  );
}

const BASE_KINDS: Record<MediaBaseInfo['kind'], string> = {
  'adk-media': 'WinPE media folder',
  'adk-install': 'Windows ADK WinPE folder',
  'winpe-iso': 'WinPE ISO',
  'udf-iso': 'UDF ISO (extracted with 7-Zip)',
  'winre-wim': 'WinRE image (Winre.wim)',
};

const BITLOCKER: Record<MediaBaseInfo['bitlocker'], string> = {
  yes: 'can unlock drives (manage-bde is inside)',
  no: 'cannot unlock drives',
  unknown: 'not checked yet',
};

function BaseReport({ info, stale }: { info: MediaBaseInfo; stale: boolean }): ReactElement {
  const playbookId = useMedia((s) => s.playbookId);
  const playbook = usePlaybooks((s) => s.data?.playbooks.find((entry) => entry.playbook.id === playbookId)?.playbook ?? null);
  const items: { label: string; path: string | null; absent: string }[] = [
    { label: 'UEFI loader', path: info.efiLoader, absent: 'UEFI PCs cannot start it' },
    { label: 'BIOS loader', path: info.biosLoader, absent: 'BIOS-only PCs cannot start the ISO' },
    { label: 'WinPE image (boot.wim)', path: info.bootWim, absent: 'nothing runs fix.cmd by itself' },
  ];
  return (
    <div className="base-report" role="status" aria-label="What the base holds">
      {stale ? <p className="muted">This is what the last check found in {info.root}. You have changed the path since: press Check again.</p> : null}
      <p>
        <strong>{BASE_KINDS[info.kind]}</strong> · BitLocker: {BITLOCKER[info.bitlocker]}
      </p>
      <ul className="base-report__list">
        {items.map((item) => (
          <li key={item.label} className={`base-report__item base-report__item--${item.path ? 'ok' : 'missing'}`}>
            {item.path ? <CheckCircleIcon size={22} /> : <CrossCircleIcon size={22} />}
            <span>
              <strong>{item.label}</strong>{' '}
              {item.path ? <span className="mono base-report__path">{item.path}</span> : <span className="base-report__absent">Not found: {item.absent}</span>}
            </span>
          </li>
        ))}
      </ul>
      {info.capabilities.length > 0 ? (
        <ul className="ticks">
          {info.capabilities.map((sentence) => (
            <li key={sentence}>{sentence}</li>
          ))}
        </ul>
      ) : null}
      {info.tools ? <BaseToolsLine tools={info.tools} /> : null}
      {info.tools && playbook ? <PlaybookChecksList checks={playbookChecks(playbook, info.tools)} playbookTitle={playbook.title} /> : null}
      {info.tools && !playbook ? <p className="muted">Choose a playbook to see which of its checks this base can make.</p> : null}
      {info.missing.length > 0 ? (
        <div className="base-report__missing">
          <p className="field__label">What this base lacks</p>
          <ul className="ticks">
            {info.missing.map((sentence) => (
              <li key={sentence}>{sentence}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {info.bootWim && !info.canInject ? (
        <Notice tone="warning" icon={<AlertIcon size={22} />}>
          <p className="banner__title">WinPE will not start fix.cmd by itself from this computer</p>
          <p>
            Making WinPE run fix.cmd on its own needs <span className="mono">wimlib-imagex</span>, which is not installed here (Linux: the &quot;wimtools&quot; package;
            macOS: <span className="mono">brew install wimlib</span>). Install it and press Check again, or build a payload-only medium.
          </p>
        </Notice>
      ) : null}
    </div>
  );
}
