import { useEffect, type ReactElement } from 'react';
import { useClient } from '../../state/client.js';
import { isActive, jobProgress } from '../../state/job.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { Field } from '../../ui/Field.js';
import { ProgressBar } from '../../ui/ProgressBar.js';
import { useJournal } from './store.js';

/** Results fix.cmd wrote on a stick, read into the journal (the same file twice is one record). */
export function StickCard(): ReactElement {
  const client = useClient();
  const sticks = useJournal((s) => s.sticks);
  const path = useJournal((s) => s.stickPath);
  const ingest = useJournal((s) => s.ingest);
  useEffect(() => void useJournal.getState().findSticks(client), [client]);
  const running = isActive(ingest);
  const progress = jobProgress(ingest);
  const error = ingest.status === 'failed' ? ingest.failure.message : null;
  return (
    <Card
      title="Read results from a stick"
      description={
        sticks && sticks.length > 0
          ? `Plugged in: ${sticks.map((s) => `${s.label ?? s.path} (${s.resultFiles} result${s.resultFiles === 1 ? '' : 's'})`).join(', ')}.`
          : 'Plug in a Bootmend stick, or name the folder its bootmend\\results were copied to.'
      }
      testId="stick-card"
    >
      <form
        className="stick-form"
        onSubmit={(event) => {
          event.preventDefault();
          void useJournal.getState().readStick(client, path);
        }}
      >
        <Field id="stick-path" label="Stick or folder" error={error}>
          {(aria) => (
            <div className="field__row">
              <input id="stick-path" className="input" value={path} placeholder="E:\ or /media/BOOTMEND" onChange={(e) => useJournal.getState().setStickPath(e.target.value)} {...aria} />
              <Button type="submit" variant="primary" busy={running} disabled={running || path.trim() === ''}>
                Read results
              </Button>
            </div>
          )}
        </Field>
      </form>
      {running ? <ProgressBar fraction={progress?.fraction ?? null} label="Reading result files" message={progress?.message ?? ''} /> : null}
      {ingest.status === 'done' ? (
        <div className="stick-summary" role="status" data-testid="ingest-summary">
          <p>
            <strong>{ingest.result.sentence}.</strong>
          </p>
          {ingest.result.rejected.length > 0 ? (
            <ul>
              {ingest.result.rejected.map((r) => (
                <li key={r.file}>
                  <code>{r.file}</code>: {r.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
