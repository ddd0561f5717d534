import { useRef, type FormEvent, type ReactElement } from 'react';
import { formatBytes } from '../../../core/progress.js';
import { useClient } from '../../state/client.js';
import { messageAt } from '../../state/errors.js';
import { confirmationRule, confirmationSatisfied, driveTitle, selectedDrives } from './rules.js';
import { useDrives } from './store.js';
import { eraseButtonLabel, fileName, kindLabel } from './words.js';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { AlertIcon } from '../../ui/icons.js';

import { DriveKindIcon } from './DriveKindIcon.js';
import { Field } from '../../ui/Field.js';

/**
 * The last stop before erasing: every drive named (model, size, label, device), the image named,
 * and for a drive over 128 GB its size or label typed. Cancel is the first and the focused button.
 */
export function ConfirmErase(): ReactElement {
  const client = useClient();
  const open = useDrives((s) => s.confirming);
  const image = useDrives((s) => s.image).trim();
  const imageBytes = useDrives((s) => s.imageBytes);
  const selection = useDrives((s) => s.selection);
  const drives = useDrives((s) => s.list.drives);
  const typed = useDrives((s) => s.confirmText);
  const failure = useDrives((s) => s.failure);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const typeRef = useRef<HTMLInputElement>(null);

  const chosen = selectedDrives(selection, drives ?? []);
  const rule = confirmationRule(chosen);
  const ready = confirmationSatisfied(rule, typed);
  const error = messageAt(failure, 'confirm');
  const close = (): void => useDrives.getState().closeConfirm();

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void useDrives.getState().write(client);
  }

  return (
    <Dialog
      open={open}
      tone="danger"
      title={`Erase ${chosen.length === 1 ? 'this drive' : `these ${chosen.length} drives`}?`}
      onClose={close}
      initialFocus={rule.kind === 'type' ? typeRef : cancelRef}
      testId="confirm-erase"
      actions={
        <>
          <Button ref={cancelRef} onClick={close}>
            Cancel
          </Button>
          {/* Never disabled (a disabled button cannot say why): pressed too early, it names what to type. */}
          <Button type="submit" form="confirm-erase-form" variant="danger" className={ready ? undefined : 'btn--waiting'}>
            {eraseButtonLabel(chosen.length)}
          </Button>
        </>
      }
    >
      <form id="confirm-erase-form" className="stack confirm-erase" onSubmit={submit} noValidate>
        <p>
          Everything on {chosen.length === 1 ? 'this drive' : 'these drives'} will be erased and replaced by the image. Files on{' '}
          {chosen.length === 1 ? 'it' : 'them'} cannot be recovered.
        </p>
        <ul className="erase-list" aria-label="Drives to be erased">
          {chosen.map((drive) => (
            <li key={drive.device} className="erase-list__item" data-testid="erase-drive">
              <span className="erase-list__icon">
                <DriveKindIcon kind={drive.kind} size={22} />
              </span>
              <span className="erase-list__text">
                <span className="erase-list__title">
                  {driveTitle(drive)} <span className="erase-list__size">{formatBytes(drive.size)}</span>
                </span>
                <span className="erase-list__meta">
                  {kindLabel(drive.kind)} · <span className="mono">{drive.device}</span>
                  {drive.labels.length > 0 ? ` · Label ${drive.labels.map((l) => `“${l}”`).join(', ')}` : ''}
                  {drive.mounts.length > 0 ? ` · will be unmounted from ${drive.mounts.join(', ')}` : ''}
                </span>
              </span>
            </li>
          ))}
        </ul>
        <div className="erase-image">
          <p className="kv__label">Image</p>
          <p className="erase-image__name" data-testid="erase-image">
            {fileName(image)}
            {imageBytes !== null ? <span className="erase-list__size"> {formatBytes(imageBytes)}</span> : null}
          </p>
          <p className="mono muted break">{image}</p>
        </div>
        {rule.kind === 'split' ? (
          <Notice tone="warning" icon={<AlertIcon size={22} />}>
            <p>{rule.message}</p>
          </Notice>
        ) : null}
        {rule.kind === 'type' ? (
          <Field
            id="confirm-erase-text"
            label={rule.drives.length === 1 ? `${driveTitle(rule.drives[0]!)} is larger than 128 GB` : 'These drives are larger than 128 GB'}
            hint={
              <>
                That is more than a usual USB stick. Type {rule.accepts.map((a) => `“${a}”`).join(' or ')} to confirm it may be erased.
              </>
            }
            error={error}
            wide
          >
            {(aria) => (
              <input
                ref={typeRef}
                id="confirm-erase-text"
                className="input"
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={typed}
                {...aria}
                onChange={(event) => useDrives.getState().setConfirmText(event.target.value)}
              />
            )}
          </Field>
        ) : null}
        <p className="muted">Bootmend reads every byte back afterwards and compares it with the image.</p>
      </form>
    </Dialog>
  );
}
