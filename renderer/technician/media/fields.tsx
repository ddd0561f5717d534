import type { ReactElement, ReactNode, Ref } from 'react';
import { Field } from '../../ui/Field.js';

export interface PathFieldProps {
  id: string;
  label: string;
  hint: ReactNode;
  value: string;
  error: string | null;
  placeholder?: string;
  inputRef?: Ref<HTMLInputElement>;
  onChange(value: string): void;
  /** A button at the right of the input (e.g. "Check"). */
  action?: ReactNode;
  /** Enter in the field runs this instead of submitting the form. */
  onEnter?: () => void;
  children?: ReactNode;
}

/** A text field for a path on this computer (the web host has no native folder picker). */
export function PathField({ id, label, hint, value, error, placeholder, inputRef, onChange, action, onEnter, children }: PathFieldProps): ReactElement {
  return (
    <Field id={id} label={label} hint={hint} error={error} wide after={children}>
      {(aria) => (
        <div className="field__row">
          <input
            ref={inputRef}
            id={id}
            className="input mono"
            type="text"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            placeholder={placeholder}
            value={value}
            {...aria}
            onChange={(event) => onChange(event.target.value)}
            onKeyDown={
              onEnter
                ? (event) => {
                    if (event.key === 'Enter') {
                      event.preventDefault();
                      onEnter();
                    }
                  }
                : undefined
            }
          />
          {action}
        </div>
      )}
    </Field>
  );
}
