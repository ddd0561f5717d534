import { useEffect, useMemo, type ReactElement } from 'react';
import type { MachineState } from '../../../core/journal/schemas.js';
import type { Playbook } from '../../../core/playbooks/playbook.js';
import { secondsWorkedAt } from '../../../core/recover/outcome.js';
import { buildWalkthrough, PATH_INFO, resumeStep, type Walkthrough as WalkthroughModel } from '../../../core/recover/walkthrough.js';
import { useClient } from '../../state/client.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { ErrorBanner } from '../../ui/ErrorBanner.js';
import { CheckIcon, ClockIcon, StopIcon } from '../../ui/icons.js';
import { useNow } from '../keys/shared.js';
import { BitLockerStep } from './BitLockerStep.js';
import { OutcomeForm } from './OutcomeForm.js';
import { PathChoice } from './PathChoice.js';
import { isTyping } from './shared.js';
import { StepView } from './StepView.js';
import { useRecover, type WalkState, type WalkView } from './store.js';
import { formatDuration, identityDetails, OUTCOME_CHOICES, STATUS_LABEL, STATUS_TONE } from './words.js';

/** Where the walkthrough is: the technician's own choice, else where the journal says. */
export function currentView(walk: WalkState, machine: MachineState, walkthrough: WalkthroughModel | null): WalkView {
  if (walk.view) return walk.view;
  if (!machine.path || !walkthrough) return { stage: 'path' };
  const index = resumeStep(walkthrough, machine.stepsConfirmed);
  return index === null ? { stage: 'outcome' } : { stage: 'step', index };
}

/** The per-machine timer, from the first path choice; pauses excluded. */
export function MachineHeader({ machine, seconds }: { machine: MachineState; seconds: number }): ReactElement {
  const details = identityDetails(machine.machine);
  return (
    <header className="walk-header">
      <div className="walk-header__who">
        <h2 className="walk-header__name mono" data-testid="machine-name">
          {machine.machine.hostname}
        </h2>
        {details ? <p className="muted">{details}</p> : null}
      </div>
      <Badge tone={STATUS_TONE[machine.status]}>{STATUS_LABEL[machine.status]}</Badge>
      {machine.path ? <Badge tone="info">{PATH_INFO[machine.path].label}</Badge> : null}
      <p className="walk-header__timer mono" data-testid="machine-timer" aria-label={`Time on this machine: ${formatDuration(seconds)}`}>
        <ClockIcon size={18} /> {machine.startedAt ? formatDuration(seconds) : '—:—'}
      </p>
    </header>
  );
}

export function Walkthrough({ machine, walk, playbook }: { machine: MachineState; walk: WalkState; playbook: Playbook | null }): ReactElement {
  const client = useClient();
  const busy = useRecover((s) => s.busy);
  const saveError = useRecover((s) => s.saveError);
  const problem = useRecover((s) => s.outcomeProblem);
  const now = useNow();
  const walkthrough = useMemo(
    () => (playbook && machine.path ? buildWalkthrough(playbook, machine.path, { stickLetter: walk.stickLetter, windowsVolume: walk.windowsVolume, keyId: walk.lookedUp }) : null),
    [playbook, machine.path, walk.stickLetter, walk.windowsVolume, walk.lookedUp],
  );
  const view = currentView(walk, machine, walkthrough);
  const store = useRecover.getState;
  const confirmed = new Set(machine.stepsConfirmed);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      if (view.stage === 'path' && /^[123]$/.test(event.key)) {
        event.preventDefault();
        const path = (['winpe', 'winre', 'safe_mode'] as const)[Number(event.key) - 1]!;
        void store().choosePath(client, path);
      } else if (view.stage === 'outcome') {
        const choice = OUTCOME_CHOICES.find((c) => c.key.toLowerCase() === event.key.toLowerCase());
        if (choice) {
          event.preventDefault();
          void store().recordOutcome(client, choice.outcome);
        }
      } else if (event.key === 'Escape') {
        event.preventDefault();
        void store().pause(client);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [client, view.stage, store]);

  const allDone = (): void => {
    if (walkthrough) void store().confirmSteps(client, walkthrough.steps, { stage: 'outcome' });
  };
  const step = view.stage === 'step' ? walkthrough?.steps[view.index] : undefined;
  const total = walkthrough?.steps.length ?? 0;

  return (
    <div className="walk" data-testid="walkthrough">
      <MachineHeader machine={machine} seconds={secondsWorkedAt(machine, now)} />
      {saveError ? <ErrorBanner title="Not saved — the step is where it was" message={saveError} /> : null}
      {!playbook ? <ErrorBanner title="No playbook" message="Bootmend could not read a playbook for the walkthrough: see the Media screen for why." /> : null}
      <div className="walk__body">
        <nav className="walk-steps" aria-label="Walkthrough steps">
          <ol>
            <li>
              <button type="button" className="walk-steps__item" aria-current={view.stage === 'path' ? 'step' : undefined} onClick={() => store().show({ stage: 'path' })}>
                {machine.path ? <CheckIcon size={16} /> : <span className="walk-steps__dot" aria-hidden="true" />} Way in
              </button>
            </li>
            {walkthrough?.steps.map((s) => (
              <li key={s.index}>
                <button
                  type="button"
                  className="walk-steps__item"
                  aria-current={view.stage === 'step' && view.index === s.index ? 'step' : undefined}
                  onClick={() => store().show({ stage: 'step', index: s.index })}
                >
                  {confirmed.has(s.index) ? <CheckIcon size={16} /> : <span className="walk-steps__dot" aria-hidden="true" />} {s.title}
                </button>
              </li>
            ))}
            <li>
              <button type="button" className="walk-steps__item" aria-current={view.stage === 'outcome' ? 'step' : undefined} onClick={() => store().show({ stage: 'outcome' })}>
                <span className="walk-steps__dot" aria-hidden="true" /> Outcome
              </button>
            </li>
          </ol>
        </nav>
        <div className="walk__main">
          {view.stage === 'path' ? <PathChoice current={machine.path} busy={busy} onChoose={(path) => void store().choosePath(client, path)} /> : null}
          {step?.kind === 'bitlocker' ? <BitLockerStep step={step} total={total} machine={machine} confirmed={confirmed.has(step.index)} /> : null}
          {step?.kind === 'playbook' ? (
            <StepView
              step={step}
              path={walkthrough!.path}
              total={total}
              confirmed={confirmed.has(step.index)}
              busy={busy}
              stickLetter={walk.stickLetter}
              onStickLetter={(stickLetter) => store().edit({ stickLetter })}
              onConfirm={() => void store().confirmSteps(client, [step], step.index + 1 < total ? { stage: 'step', index: step.index + 1 } : { stage: 'outcome' })}
            />
          ) : null}
          {view.stage === 'outcome' ? (
            <OutcomeForm
              path={machine.path}
              notes={walk.notes}
              files={walk.files}
              keyIdUsed={walk.keyIdUsed}
              suggested={walk.suggested}
              problem={problem}
              busy={busy}
              onNotes={(notes) => store().edit({ notes })}
              onFiles={(files) => store().edit({ files })}
              onOutcome={(outcome) => void store().recordOutcome(client, outcome)}
              onChoosePath={() => store().show({ stage: 'path' })}
            />
          ) : null}
        </div>
      </div>
      <footer className="walk__footer">
        <Button icon={<StopIcon />} onClick={() => void store().pause(client)} aria-keyshortcuts="Escape">
          Pause — back to the queue
        </Button>
        {walkthrough && view.stage === 'step' ? (
          <Button variant="primary" icon={<CheckIcon />} busy={busy} onClick={allDone} data-testid="all-steps-done">
            All steps done — outcome
          </Button>
        ) : null}
      </footer>
    </div>
  );
}
