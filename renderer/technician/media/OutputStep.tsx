import { useState, type ReactElement, type Ref } from 'react';
import type { MediumFormat } from '../../../core/media/schemas.js';
import { useMedia } from './store.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ChoiceCards } from '../../ui/ChoiceCards.js';
import { PathField } from './fields.js';
import { Field } from '../../ui/Field.js';

export const FORMATS: { id: MediumFormat; label: string; hint: string }[] = [
  { id: 'iso', label: 'ISO image', hint: 'For virtual machines, remote consoles, or writing to a stick later.' },
  { id: 'usb-image', label: 'USB image', hint: 'Raw image, UEFI bootable. BIOS-only PCs need the ISO.' },
  { id: 'folder', label: 'Folder', hint: 'Copy onto any FAT32 stick by hand.' },
];

export function formatLabel(format: MediumFormat): string {
  return FORMATS.find((f) => f.id === format)?.label ?? format;
}

export interface OutputStepProps {
  /** The path the build will use: what was typed, else the suggestion. */
  out: string;
  suggestion: string;
  outError: string | null;
  timestampError: string | null;
  outRef: Ref<HTMLInputElement>;
  timestampRef: Ref<HTMLInputElement>;
}

/** Step 3: format, where to write it, and the reproducible-build timestamp. */
export function OutputStep({ out, suggestion, outError, timestampError, outRef, timestampRef }: OutputStepProps): ReactElement {
  const format = useMedia((s) => s.format);
  const typed = useMedia((s) => s.outTyped);
  const overwrite = useMedia((s) => s.overwrite);
  const timestamp = useMedia((s) => s.timestamp);
  const [advancedOpen, setAdvancedOpen] = useState(timestamp !== '' || timestampError !== null);

  return (
    <Card title="3. Output" id="media-output" description="What to make, and where on this computer to put it.">
      <ChoiceCards name="format" legend="Format" options={FORMATS} value={format} onChange={(id) => useMedia.getState().setFormat(id)} />

      <PathField
        id="media-out"
        label={format === 'folder' ? 'Output folder' : 'Output file'}
        hint={
          format === 'folder'
            ? 'Folder on this computer: a full path. It must not exist yet, or be empty; “Replace if it exists” replaces only a medium Bootmend made, and keeps its results and quarantine folders.'
            : 'Folder on this computer and file name: a full path. An existing file is kept unless you tick “Replace if it exists”, and only a medium Bootmend made is ever replaced.'
        }
        value={out}
        error={outError ? outError : null}
        inputRef={outRef}
        onChange={(value) => useMedia.getState().setOut(value)}
        action={
          typed !== null && suggestion && typed !== suggestion ? (
            <Button variant="ghost" onClick={() => useMedia.getState().setOut(suggestion)}>
              Use suggested
            </Button>
          ) : undefined
        }
      >
        <label className="check">
          <input type="checkbox" checked={overwrite} onChange={(event) => useMedia.getState().setOverwrite(event.target.checked)} />
          <span>Replace if it exists</span>
        </label>
      </PathField>

      <details className="disclosure" open={advancedOpen || timestampError !== null} onToggle={(event) => setAdvancedOpen(event.currentTarget.open)}>
        <summary className="disclosure__summary">Advanced</summary>
        <div className="disclosure__body">
          <Field
            id="media-timestamp"
            label="Fixed timestamp (optional)"
            hint="Gives every file and the volume this time, so the same playbook and base always give the same bytes (and the same SHA-256). Empty: the time of the build."
            error={timestampError}
          >
            {(aria) => (
              <input
                ref={timestampRef}
                id="media-timestamp"
                className="input mono"
                type="text"
                spellCheck={false}
                autoComplete="off"
                placeholder="2024-07-19T06:00:00Z"
                value={timestamp}
                {...aria}
                onChange={(event) => useMedia.getState().setTimestamp(event.target.value)}
              />
            )}
          </Field>
        </div>
      </details>
    </Card>
  );
}
