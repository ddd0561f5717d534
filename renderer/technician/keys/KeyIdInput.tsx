import type { ReactElement, Ref } from 'react';
import type { FieldAria } from '../../ui/Field.js';

/** The key ID box (typed or scanned from the blue screen): monospace, upper case, nothing corrected or remembered. */
export function KeyIdInput({ id, value, onChange, aria, inputRef, placeholder = 'e.g. 1A2B3C4D', disabled }: { id: string; value: string; onChange: (value: string) => void; aria: FieldAria; inputRef?: Ref<HTMLInputElement>; placeholder?: string; disabled?: boolean }): ReactElement {
  return (
    <input
      ref={inputRef}
      id={id}
      className="input lookup__input mono"
      type="text"
      spellCheck={false}
      autoCapitalize="characters"
      autoComplete="off"
      placeholder={placeholder}
      value={value}
      disabled={disabled}
      {...aria}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
