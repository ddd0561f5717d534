import { useRef, useState, type ReactElement } from 'react';
import { useOnNewRequest } from '../../ui/useOnNewRequest.js';
import { formatBytes } from '../../../core/progress.js';
import { useClient } from '../../state/client.js';
import { unfinishedDrives } from './rules.js';
import { useDrives } from './store.js';
import { fileName, resultRows, resultSummary, retryLabel, shortHash, type DriveResultRow } from './words.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { AlertIcon, CheckCircleIcon, CheckIcon, CopyIcon, CrossCircleIcon, MediaIcon, MinusCircleIcon, RetryIcon } from '../../ui/icons.js';
import { Sha256 } from '../media/BuildResult.js';

/** Each drive's ending: verified with the hash read back, or what went wrong and what the stick was left as. */
export function WriteResult(): ReactElement {
  const client = useClient();
  const writing = useDrives((s) => s.writing);
  const request = useDrives((s) => s.request);
  const focusRequest = useDrives((s) => s.resultFocus);
  const heading = useRef<HTMLHeadingElement>(null);
  useOnNewRequest('drive-result', focusRequest, () => heading.current?.focus());

  if (writing.status !== 'done' || !request) return <></>;
  const result = writing.result;
  const rows = resultRows(result, request.drives);
  const summary = resultSummary(rows);
  const Icon = summary.tone === 'success' ? CheckCircleIcon : summary.tone === 'danger' ? CrossCircleIcon : AlertIcon;
  const unfinished = unfinishedDrives(result, request.drives).length;

  return (
    <Card
      className={`result-card result-card--${summary.tone}`}
      id="drive-result"
      testId="write-result"
      headingRef={heading}
      icon={<Icon size={26} />}
      iconClassName={`result-card__icon result-card__icon--${summary.tone}`}
      title={summary.title}
      description={
        <>
          {fileName(result.image)}
          {result.imageBytes > 0 ? ` (${formatBytes(result.imageBytes)})` : ''}.
          {rows.some((r) => r.sha256) ? " A drive whose SHA-256 matches the image's holds an exact copy." : ''}
        </>
      }
      actions={
        <>
          {unfinished > 0 ? (
            <Button variant="primary" icon={<RetryIcon />} onClick={() => void useDrives.getState().retryUnfinished(client)} title="Back to the list with these drives ticked again">
              {retryLabel(unfinished)}
            </Button>
          ) : null}
          <Button variant={unfinished > 0 ? 'secondary' : 'primary'} icon={<MediaIcon />} onClick={() => void useDrives.getState().writeMore(client)}>
            Write more sticks
          </Button>
          <Button onClick={() => useDrives.getState().close()}>Done</Button>
        </>
      }
    >
      <ul className="result-rows" aria-label="Each drive">
        {rows.map((row) => (
          <ResultRow key={row.device} row={row} />
        ))}
      </ul>
      {result.sha256 ? <Sha256 hash={result.sha256} label="Image SHA-256" /> : null}
    </Card>
  );
}

const ROW_ICONS = { verified: CheckCircleIcon, written: CheckCircleIcon, failed: CrossCircleIcon, cancelled: MinusCircleIcon } as const;

function ResultRow({ row }: { row: DriveResultRow }): ReactElement {
  const Icon = ROW_ICONS[row.outcome];
  return (
    <li className={`result-row result-row--${row.tone}`} data-testid="result-row" data-device={row.device}>
      <span className="result-row__icon">
        <Icon size={24} />
      </span>
      <div className="result-row__text">
        <div className="result-row__head">
          <p className="result-row__title">
            {row.title} {row.size ? <span className="muted">{row.size}</span> : null} {row.title === row.device ? null : <span className="mono muted">{row.device}</span>}
          </p>
          <span data-testid="result-outcome">
            <Badge tone={row.tone}>{row.outcomeLabel}</Badge>
          </span>
        </div>
        {row.sha256 ? <HashLine hash={row.sha256} matches={row.matchesImage} title={row.title} /> : null}
        {row.problem ? (
          <p className="result-row__problem" data-testid="result-problem">
            {row.problem}
          </p>
        ) : null}
        {row.outcome !== 'verified' || !row.sha256 ? (
          <p className="result-row__left" data-testid="result-left-as">
            Left as: {row.leftAs}
          </p>
        ) : null}
      </div>
    </li>
  );
}

/** The read-back hash, short, with the full 64 digits in the title and on the clipboard. */
function HashLine({ hash, matches, title }: { hash: string; matches: boolean; title: string }): ReactElement {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  const copy = (): void => {
    navigator.clipboard.writeText(hash).then(
      () => setCopied('done'),
      () => setCopied('failed'),
    );
  };
  return (
    <div className="result-row__hash">
      <span>
        SHA-256{' '}
        <span className="mono" title={hash} data-testid="result-row-sha256" data-full={hash}>
          {shortHash(hash)}
        </span>{' '}
        {matches ? '— matches the image' : '— does not match the image'}
      </span>
      <Button variant="ghost" icon={copied === 'done' ? <CheckIcon /> : <CopyIcon />} onClick={copy} aria-label={`Copy the full SHA-256 of ${title}`}>
        {copied === 'done' ? 'Copied' : 'Copy'}
      </Button>
      {copied === 'failed' ? <span className="muted">This window may not use the clipboard: the full hash is {hash}</span> : null}
    </div>
  );
}
