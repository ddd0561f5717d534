import { useRef, useState, type ReactElement } from 'react';
import { useOnNewRequest } from '../../ui/useOnNewRequest.js';
import type { BuiltMedium } from '../../../core/media/schemas.js';
import { formatBytes } from '../../../core/progress.js';
import { SECURE_BOOT_BITLOCKER_HINT, bootPromptSentence, driversSentence, launchSentence, secureBootSentence } from '../../../core/media/medium-words.js';
import { useDrives } from '../drives/store.js';
import { useMedia } from './store.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { CheckCircleIcon, CheckIcon, CopyIcon, CrossCircleIcon, InfoIcon, MediaIcon, UsbStickIcon } from '../../ui/icons.js';
import { KeyValueList } from '../../ui/KeyValue.js';
import { formatLabel } from './OutputStep.js';
import { BaseToolsLine, PlaybookChecksList } from './PlaybookChecks.js';
import { Card } from '../../ui/Card.js';

/** What was built, with the SHA-256 to read aloud, and the way back to the form. */
export function BuildResult({ result }: { result: BuiltMedium }): ReactElement {
  const heading = useRef<HTMLHeadingElement>(null);
  const focusRequest = useMedia((s) => s.resultFocus);
  useOnNewRequest('media-result', focusRequest, () => heading.current?.focus());

  return (
    <Card
      className="result-card"
      id="media-result"
      testId="build-result"
      headingRef={heading}
      icon={<CheckCircleIcon size={26} />}
      iconClassName="result-card__icon"
      title={`${formatLabel(result.format)} built`}
      description={
        <>
          Playbook <span className="mono">{result.playbook.id}</span> version {result.playbook.version}. Keep the SHA-256 with the medium: it shows the copy is intact.
        </>
      }
      actions={
        <>
          {result.format === 'folder' ? null : (
            <Button variant="primary" icon={<UsbStickIcon />} onClick={() => useDrives.getState().openFromBuild(result.out, result.bytes)}>
              Write to USB drives…
            </Button>
          )}
          <Button variant={result.format === 'folder' ? 'primary' : 'secondary'} icon={<MediaIcon />} onClick={() => useMedia.getState().buildAnother()}>
            Build another
          </Button>
        </>
      }
    >
      <KeyValueList
        columns={1}
        items={[{ label: result.format === 'folder' ? 'Output folder' : 'Output file', value: result.out, mono: true, testId: 'result-out' }]}
      />
      <KeyValueList
        columns={3}
        items={[
          { label: 'Format', value: formatLabel(result.format), testId: 'result-format' },
          { label: 'Size', value: <span title={`${result.bytes.toLocaleString()} bytes`}>{formatBytes(result.bytes)}</span>, testId: 'result-size' },
          { label: 'Medium id', value: result.mediumId, mono: true, testId: 'result-medium-id' },
        ]}
      />
      {result.sha256 ? <Sha256 hash={result.sha256} /> : <p className="muted">A folder has no single SHA-256; each file is copied as it is.</p>}
      <BaseSummary base={result.base} />
      {result.driversOnMedium ? (
        <p className="muted" data-testid="result-drivers">
          {driversSentence(result.driversOnMedium)}
        </p>
      ) : null}
      {result.format === 'folder' ? (
        <Notice icon={<InfoIcon size={22} />}>
          <p>
            <strong>A folder is copied, not written.</strong> Copy everything in the output folder onto a FAT32 stick, or build a USB image to write
            it to many sticks at once.
          </p>
        </Notice>
      ) : null}
    </Card>
  );
}

/** The hash in groups of four for reading aloud; copying it (or selecting it) gives the 64 digits without spaces. */
export function Sha256({ hash, label = 'SHA-256' }: { hash: string; label?: string }): ReactElement {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  const groups = hash.match(/.{1,4}/g) ?? [hash];
  const copy = (): void => {
    navigator.clipboard.writeText(hash).then(
      () => setCopied('done'),
      () => setCopied('failed'),
    );
  };
  return (
    <div className="sha">
      <div className="sha__top">
        <p className="kv__label" id="media-sha-label">
          {label}
        </p>
        <Button variant="ghost" icon={copied === 'done' ? <CheckIcon /> : <CopyIcon />} onClick={copy}>
          {copied === 'done' ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <p className="sha__value mono" data-testid="result-sha256">
        {groups.map((group, index) => (
          <span key={index} className="sha__group">
            {group}
          </span>
        ))}
      </p>
      {copied === 'failed' ? <p className="muted">This window may not use the clipboard: select the digits and copy them instead.</p> : null}
    </div>
  );
}

function BaseSummary({ base }: { base: BuiltMedium['base'] }): ReactElement {
  if (!base) {
    return (
      <div className="kv__row result-base" data-testid="result-base">
        <p className="kv__label">Base</p>
        <p className="result-base__root">None — payload only</p>
        <p className="muted">Start the crashed PC into Windows Recovery, open Command Prompt and run fix.cmd from the medium.</p>
      </div>
    );
  }
  return (
    <div className="kv__row result-base" data-testid="result-base">
      <p className="kv__label">Base</p>
      <p className="mono result-base__root">{base.root}</p>
      <div className="result-base__badges">
        <Flag ok={base.bootable.uefi} yes="Starts on UEFI PCs" no="Does not start on UEFI PCs" />
        <Flag ok={base.bootable.bios} yes="Starts on BIOS PCs" no="Does not start on BIOS-only PCs" />
        <Flag ok={base.injected} yes="Runs fix.cmd by itself" no="fix.cmd must be started by hand" />
      </div>
      {base.missing.length > 0 ? (
        <ul className="ticks">
          {base.missing.map((sentence) => (
            <li key={sentence}>{sentence}</li>
          ))}
        </ul>
      ) : null}
      {base.tools ? <BaseToolsLine tools={base.tools} /> : null}
      {base.checks && base.checks.length > 0 ? <PlaybookChecksList checks={base.checks} /> : null}
      <StartNotes base={base} />
    </div>
  );
}

/** How the medium starts: who signed the boot manager (with the BitLocker warning), the ISO's key prompt, what WinPE runs. */
function StartNotes({ base }: { base: NonNullable<BuiltMedium['base']> }): ReactElement {
  // The 2011 CA is on its way out (KB5025885): a stick signed only with it is refused by PCs that applied the revocation.
  const trusted = base.secureBoot?.signer === 'windows-uefi-ca-2023';
  return (
    <>
      {base.secureBoot ? (
        <div className="result-base__secure-boot" data-testid="result-secure-boot">
          <Badge tone={trusted ? 'success' : 'warning'} icon={trusted ? <CheckCircleIcon size={16} /> : <CrossCircleIcon size={16} />}>
            {base.secureBoot.signer === 'windows-uefi-ca-2023' ? 'Signed: Windows UEFI CA 2023' : base.secureBoot.signer === 'production-pca-2011' ? 'Signed: 2011 CA only' : base.secureBoot.signer === 'unsigned' ? 'Not signed' : 'Not signed by Microsoft'}
          </Badge>
          <p>{secureBootSentence(base.secureBoot)}</p>
          <p data-testid="result-secure-boot-hint">
            <strong>{SECURE_BOOT_BITLOCKER_HINT}</strong>
          </p>
        </div>
      ) : null}
      {base.bootPrompt ? <p data-testid="result-boot-prompt">{bootPromptSentence(base.bootPrompt)}</p> : null}
      {base.launch ? <p className="muted">{launchSentence(base.launch)}</p> : null}
    </>
  );
}

function Flag({ ok, yes, no }: { ok: boolean; yes: string; no: string }): ReactElement {
  return ok ? (
    <Badge tone="success" icon={<CheckCircleIcon size={16} />}>
      {yes}
    </Badge>
  ) : (
    <Badge tone="warning" icon={<CrossCircleIcon size={16} />}>
      {no}
    </Badge>
  );
}
