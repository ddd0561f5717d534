import { useRef, useState, type DragEvent, type FormEvent, type ReactElement } from 'react';
import type { KeyFormatOption } from '../../../core/keys/schemas.js';
import { formatBytes } from '../../../core/progress.js';
import { useClient } from '../../state/client.js';
import { useKeys } from './store.js';
import { messageAt } from '../../state/errors.js';
import { jobProgress } from '../../state/job.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { CrossCircleIcon } from '../../ui/icons.js';
import { ProgressBar } from '../../ui/ProgressBar.js';
import { ImportSummaryView } from './ImportSummary.js';

import { UploadIcon } from './icons.js';
import { Field } from '../../ui/Field.js';
import { FieldError } from '../../ui/FieldError.js';

const FORMATS: { id: KeyFormatOption; label: string }[] = [
  { id: 'auto', label: 'Recognise automatically' },
  { id: 'ad', label: 'Active Directory (Export-Csv or report)' },
  { id: 'graph', label: 'Microsoft Graph JSON' },
  { id: 'entra', label: 'Entra ID / Intune CSV' },
  { id: 'mbam', label: 'MBAM export' },
  { id: 'csv', label: 'Plain CSV (Id, Key)' },
];

/** Key exports from the admin: dropped or chosen, read here, sent as text (works in Electron and the browser alike). */
export function ImportCard(): ReactElement {
  const client = useClient();
  const importing = useKeys((s) => s.importing);
  const [files, setFiles] = useState<File[]>([]);
  const [format, setFormat] = useState<KeyFormatOption>('auto');
  const [scope, setScope] = useState('');
  const [expires, setExpires] = useState('');
  const [dragging, setDragging] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const running = importing.status === 'running';
  const failure = importing.status === 'failed' ? importing.failure : null;
  const progress = jobProgress(importing);

  function addFiles(list: FileList | null): void {
    if (!list || list.length === 0) return;
    const added = [...list];
    // The same file chosen twice is imported once.
    setFiles((current) => [...current.filter((f) => !added.some((a) => a.name === f.name && a.size === f.size)), ...added]);
    setReadError(null);
    useKeys.getState().resetImport();
  }

  function onDrop(event: DragEvent<HTMLDivElement>): void {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer.files);
  }

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    let sources: { name: string; text: string }[];
    try {
      sources = await Promise.all(files.map(async (file) => ({ name: file.name, text: await file.text() })));
    } catch {
      setReadError('A chosen file could not be read (moved or removed?). Choose it again.');
      return;
    }
    await useKeys.getState().importFiles(client, sources, { format, scope, expires });
    if (useKeys.getState().importing.status === 'done') setFiles([]);
  }

  const sourcesError = readError ?? messageAt(failure, 'sources');
  const topError = messageAt(failure, null);
  return (
    <Card title="Import keys" id="keys-import" description="Add a BitLocker key export from Active Directory, Entra ID / Intune, Microsoft Graph or MBAM. Keys are encrypted into the vault; the file itself is not kept.">
      <form className="import" noValidate onSubmit={(event) => void submit(event)} aria-label="Import keys" hidden={running}>
        {topError ? <ErrorBanner title="Nothing was imported" message={topError} /> : null}
        <div
          className={`dropzone${dragging ? ' dropzone--over' : ''}${sourcesError ? ' dropzone--invalid' : ''}`}
          data-testid="dropzone"
          onDragOver={(event) => {
            event.preventDefault();
            event.dataTransfer.dropEffect = 'copy';
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <UploadIcon size={32} className="dropzone__icon" />
          <p className="dropzone__text">
            <strong>Drop export files here</strong> (CSV or JSON, several at once), or
          </p>
          <Button icon={<UploadIcon />} onClick={() => inputRef.current?.click()} aria-describedby={sourcesError ? 'keys-import-files-error' : undefined}>
            Choose files…
          </Button>
          <input
            ref={inputRef}
            type="file"
            multiple
            accept=".csv,.json,.txt,text/csv,application/json,text/plain"
            className="visually-hidden"
            tabIndex={-1}
            aria-label="Key export files"
            data-testid="import-file-input"
            onChange={(event) => {
              addFiles(event.target.files);
              // Let the same file be chosen again after it was removed from the list.
              event.target.value = '';
            }}
          />
        </div>
        {sourcesError ? <FieldError id="keys-import-files-error">{sourcesError}</FieldError> : null}
        {files.length > 0 ? (
          <ul className="import__files" aria-label="Files to import">
            {files.map((file) => (
              <li key={`${file.name}:${file.size}`} className="import__file">
                <span className="mono break">{file.name}</span>
                <span className="muted">{formatBytes(file.size)}</span>
                <Button variant="ghost" icon={<CrossCircleIcon />} aria-label={`Remove ${file.name}`} onClick={() => setFiles((current) => current.filter((f) => f !== file))}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        ) : null}

        <div className="import__options">
          <Field id="keys-import-format" label="Layout" error={null}>
            {(aria) => (
              <select id="keys-import-format" className="input select" value={format} {...aria} onChange={(event) => setFormat(event.target.value as KeyFormatOption)}>
                {FORMATS.map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="keys-import-expires" label="Lookups stop after (optional)" error={messageAt(failure, 'expires')}>
            {(aria) => <input id="keys-import-expires" className="input" type="date" value={expires} {...aria} onChange={(event) => setExpires(event.target.value)} />}
          </Field>
          <Field
            id="keys-import-scope"
            label="Only these devices, OUs or sites (optional)"
            hint={
              <>
                Patterns separated by commas, e.g. <span className="mono">PC-BER-*, OU=Berlin</span>. Carry only your site&apos;s keys.
              </>
            }
            error={messageAt(failure, 'scope')}
            className="import__scope"
          >
            {(aria) => (
              <input
                id="keys-import-scope"
                className="input mono"
                type="text"
                spellCheck={false}
                autoComplete="off"
                value={scope}
                {...aria}
                onChange={(event) => setScope(event.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="form__actions">
          <Button type="submit" variant="primary" icon={<UploadIcon />}>
            {files.length > 1 ? `Import ${files.length} files` : 'Import'}
          </Button>
        </div>
      </form>
      {running ? (
        <ProgressBar
          label="Import progress"
          fraction={progress?.fraction ?? null}
          message={progress?.message ?? 'Reading the files…'}
        />
      ) : null}
      {importing.status === 'done' ? <ImportSummaryView summary={importing.result} /> : null}
    </Card>
  );
}
