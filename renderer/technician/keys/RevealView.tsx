import { useRef, type ReactElement } from 'react';
import type { RevealedKey } from '../../../core/keys/schemas.js';
import { CLIPBOARD_CLEAR_MS, useKeys } from './store.js';
import { passwordGroups } from './words.js';
import { Button } from '../../ui/Button.js';
import { Notice } from '../../ui/ErrorBanner.js';
import { AlertIcon, CheckIcon, ClockIcon, CopyIcon, CrossCircleIcon, InfoIcon, KeyIcon } from '../../ui/icons.js';
import { formatCountdown, formatWhen, KeyIdText, svgDataUrl, useFocusRequest, useNow } from './shared.js';
import { Card } from '../../ui/Card.js';

/** The clipboard of this window, or undefined where the page may not have one (insecure context). */
export function windowClipboard(): Clipboard | undefined {
  return typeof navigator !== 'undefined' && 'clipboard' in navigator ? navigator.clipboard : undefined;
}

/**
 * The password the technician reads out or types: 8 big numbered blocks, copy with a
 * timed clipboard wipe, a QR code and four scanner barcodes, then Hide.
 */
export function RevealView({ revealed }: { revealed: RevealedKey }): ReactElement {
  const until = useKeys((s) => s.revealedUntil);
  const now = useNow();
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusRequest('revealed', heading);
  const groups = passwordGroups(revealed.password);

  return (
    <Card
      className="reveal"
      id="keys-reveal"
      testId="reveal-view"
      headingRef={heading}
      icon={<KeyIcon size={24} />}
      iconClassName="reveal__icon"
      title={`Recovery password for ${revealed.device ?? 'this key'}`}
      description={
        <>
          Key ID <KeyIdText id={revealed.id} /> · created {formatWhen(revealed.created)}
        </>
      }
      actions={
        <Button variant="primary" icon={<CrossCircleIcon />} onClick={() => useKeys.getState().hide(windowClipboard())}>
          Hide
        </Button>
      }
    >
      <ol className="password" aria-label="Recovery password, 8 blocks of 6 digits" data-testid="password-groups">
        {groups.map((group, index) => (
          <li key={index} className="password__group">
            <span className="password__number" aria-hidden="true">
              {index + 1}
            </span>
            <span className="password__digits mono" data-testid="password-group">
              {group}
            </span>
          </li>
        ))}
      </ol>
      <div className="reveal__bar">
        <CopyControl />
        <p className="reveal__timer" data-testid="reveal-timer">
          <ClockIcon size={18} /> Hides itself in {until ? formatCountdown(until - now) : '—'}
        </p>
      </div>
      <p className="reveal__hint">
        <InfoIcon size={18} /> No number keys? On the recovery screen <kbd>F1</kbd>–<kbd>F9</kbd> type 1–9 and <kbd>F10</kbd> types 0.
      </p>
      <ScanCodes revealed={revealed} />
      <Notice tone="warning" icon={<AlertIcon size={22} />}>
        <p className="banner__title">This password has been shown: have it rotated</p>
        <p className="reveal__advice">{revealed.rotationAdvice}</p>
      </Notice>
    </Card>
  );
}

function CopyControl(): ReactElement {
  const clipboard = useKeys((s) => s.clipboard);
  const now = useNow();
  const copy = (): void => void useKeys.getState().copyPassword(windowClipboard());
  return (
    <div className="copy">
      <Button icon={clipboard.status === 'copied' ? <CheckIcon /> : <CopyIcon />} onClick={copy}>
        {clipboard.status === 'copied' ? 'Copied' : 'Copy'}
      </Button>
      <p className="copy__status" role="status" data-testid="clipboard-status">
        {clipboard.status === 'copied' && clipboard.clearAt
          ? `The clipboard is cleared in ${formatCountdown(clipboard.clearAt - now)}.`
          : clipboard.status === 'cleared'
            ? 'The clipboard was cleared.'
            : clipboard.status === 'refused'
              ? 'This window may not use the clipboard: read the digits from the screen instead.'
              : `Copied passwords are cleared from the clipboard after ${CLIPBOARD_CLEAR_MS / 1000} s.`}
      </p>
    </div>
  );
}

/** The same 48 digits for a phone or 2D scanner (QR) and for a 1D HID scanner (4 × 12 digits, no Enter). */
function ScanCodes({ revealed }: { revealed: RevealedKey }): ReactElement {
  const count = revealed.barcodes.length;
  return (
    <section className="codes" aria-labelledby="keys-codes-title">
      <h3 className="codes__title" id="keys-codes-title">
        Scan instead of typing
      </h3>
      <div className="codes__grid">
        <figure className="codes__qr">
          <img src={svgDataUrl(revealed.qrSvg)} alt="QR code of the 48 digits" width={200} height={200} data-testid="qr-code" />
          <figcaption>QR code: all 48 digits</figcaption>
        </figure>
        <ol className="codes__barcodes">
          {revealed.barcodes.map((barcode, index) => (
            <li key={index} className="barcode">
              <span className="barcode__label">
                Scan {index + 1} of {count}
                <span className="muted"> · blocks {index * 2 + 1}–{index * 2 + 2}</span>
              </span>
              <img src={svgDataUrl(barcode.svg)} alt={`Barcode ${index + 1} of ${count}`} className="barcode__image" data-testid="barcode" />
            </li>
          ))}
        </ol>
      </div>
      <p className="muted codes__note">Each barcode types 12 digits and no Enter: scan all four in order, then press Enter on the recovery screen.</p>
    </section>
  );
}
