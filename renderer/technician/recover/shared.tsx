import { useState, type ReactElement, type RefObject } from 'react';
import type { Command } from '../../../core/recover/walkthrough.js';
import { Button } from '../../ui/Button.js';
import { CheckIcon, CopyIcon } from '../../ui/icons.js';
import { useFocusRequest } from '../../ui/useFocusRequest.js';
import { useRecover, type RecoverFocus } from './store.js';

/** Moves focus to `ref` when the Recover store asks for `target`; each request once. */
export function useRecoverFocus(target: RecoverFocus, ref: RefObject<HTMLElement | null>, options: { select?: boolean } = {}): void {
  useFocusRequest('recover', useRecover((s) => s.focus), target, ref, options);
}

/** True when a key press belongs to a text field (a letter shortcut must not steal it). */
export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

const NEEDS_HINT: Record<NonNullable<Command['needs']>, string> = {
  'stick-letter': "Type the stick's letter above first.",
  password: 'Replace the placeholder with the password from the reveal view (type it; it is never copied into a command).',
};

/** One command exactly as it is typed, with a copy button (a command that still holds a letter placeholder cannot be copied). */
export function CommandLine({ command }: { command: Command }): ReactElement {
  const [copied, setCopied] = useState(false);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(command.text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <li className="command">
      <span className="command__label">{command.label}</span>
      <div className="command__row">
        <code className="command__text mono" data-testid="command">
          {command.text}
        </code>
        <Button icon={copied ? <CheckIcon /> : <CopyIcon />} onClick={() => void copy()} disabled={command.needs === 'stick-letter'} aria-label={`Copy: ${command.label}`}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
      {command.needs ? <p className="command__needs muted">{NEEDS_HINT[command.needs]}</p> : null}
    </li>
  );
}
