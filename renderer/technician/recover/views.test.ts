import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { machineStateFixture } from '../../../core/journal/machine-fixtures.js';
import { machineResultFixture } from '../../../core/playbooks/result-fixture.js';
import { buildWalkthrough, PATH_INFO } from '../../../core/recover/walkthrough.js';
import { OutcomeForm } from './OutcomeForm.js';
import { PathChoice } from './PathChoice.js';
import { countByStatus, QueueList } from './QueueView.js';
import { StepView } from './StepView.js';
import { STATUS_LABEL as JOURNAL_STATUS_LABEL, STATUS_TONE as JOURNAL_STATUS_TONE } from '../journal/words.js';
import { formatDuration, identityDetails, onlineLookupSentence, queueCounts, STATUS_LABEL, STATUS_TONE } from './words.js';

const PLAYBOOK = {
  id: 'crowdstrike-cf291',
  version: '1.0.0',
  walkthrough: {
    winpe: [{ title: 'Start the PC from the Bootmend stick', detail: 'Boot the stick.' }],
    winre: [
      { title: 'Find the letter of the USB stick', detail: 'Type this line exactly and press Enter: for %d in (C D E F) do @if exist %d:\\bootmend\\fix.cmd echo %d: .' },
      { title: 'Run the fix from the stick', detail: 'Type the letter, for example F:\\bootmend\\fix.cmd .' },
    ],
    safemode: [{ title: 'Run the fix as administrator', detail: 'Right-click fix.cmd and choose Run as administrator.' }],
  },
};

const noop = (): void => undefined;

const machine = machineStateFixture;

describe('the Recover views', () => {
  it('offers the three ways in, each with its key and its "use this when" line', () => {
    const html = renderToStaticMarkup(createElement(PathChoice, { current: 'winre', busy: false, onChoose: noop }));
    for (const info of Object.values(PATH_INFO)) {
      expect(html).toContain(info.label);
      expect(html).toContain(info.useWhen.replace(/'/g, '&#x27;'));
    }
    expect(html).toMatch(/aria-pressed="true"[^>]*>[\s\S]*?WinRE command prompt/);
  });

  it('asks for the stick letter where the step finds it, and shows the commands to copy', () => {
    const walkthrough = buildWalkthrough(PLAYBOOK, 'winre', { stickLetter: 'G' });
    const find = renderToStaticMarkup(createElement(StepView, { step: walkthrough.steps[1]!, path: 'winre', total: 3, confirmed: false, busy: false, stickLetter: 'G', onStickLetter: noop, onConfirm: noop }));
    expect(find).toContain('The stick&#x27;s letter');
    expect(find).toContain('for %d in (C D E F) do @if exist %d:\\bootmend\\fix.cmd echo %d:');
    expect(find).toContain('Step 2 of 3');
    expect(find).toContain('The letter the line printed (never X:).');
    const run = renderToStaticMarkup(createElement(StepView, { step: walkthrough.steps[2]!, path: 'winre', total: 3, confirmed: false, busy: false, stickLetter: 'G', onStickLetter: noop, onConfirm: noop }));
    expect(run).toContain('G:\\bootmend\\fix.cmd');
    expect(run).toContain('Switch safe boot off');
  });

  it("keeps the stick's letter field on the step that runs the fix once a letter is typed, so a wrong one can be corrected (Safe Mode asks there)", () => {
    const walkthrough = buildWalkthrough(PLAYBOOK, 'safe_mode', { stickLetter: 'E' });
    const run = walkthrough.steps.find((s) => s.title === 'Run the fix as administrator')!;
    const html = renderToStaticMarkup(createElement(StepView, { step: run, path: 'safe_mode', total: 2, confirmed: false, busy: false, stickLetter: 'E', onStickLetter: noop, onConfirm: noop }));
    expect(html).toContain('E:\\bootmend\\fix.cmd');
    expect(html).toContain('The stick&#x27;s letter');
    expect(html).toMatch(/id="recover-stick-letter"[^>]*value="E"/);
    // No line printed a letter in Safe Mode: File Explorer shows it.
    expect(html).toContain('The letter File Explorer shows for the stick.');
  });

  it("puts the stick's suggestion first on the outcome step and says why fixed was refused", () => {
    const html = renderToStaticMarkup(
      createElement(OutcomeForm, {
        path: null,
        notes: '',
        files: 'C:\\a.sys',
        keyIdUsed: null,
        suggested: 'escalated',
        problem: { field: 'path', message: 'Choose the path you took before marking the machine fixed.' },
        busy: false,
        onNotes: noop,
        onFiles: noop,
        onOutcome: noop,
        onChoosePath: noop,
      }),
    );
    expect(html.indexOf('Escalated')).toBeLessThan(html.indexOf('Fixed'));
    expect(html).toContain('Choose the path');
    expect(html).toContain('C:\\a.sys');
  });

  it('marks only a to-do machine as next, with its time worked', () => {
    const html = renderToStaticMarkup(
      createElement(QueueList, {
        machines: [machine({ status: 'needs_reimage', machine: { hostname: 'PC-9', assetTag: 'A-9', site: 'Berlin' } })],
        offered: [],
        now: 0,
        onOpen: noop,
        onOpenOffered: noop,
      }),
    );
    expect(html).toContain('Needs reimage');
    expect(html).not.toContain('>Next<');
    expect(html).toContain('Asset A-9 · Berlin');
  });

  it("shows what a stick's result says of a machine beside its status until an outcome is recorded", () => {
    const read = machineResultFixture('PC-STK-7', 'needs_attention');
    const row = (state: Parameters<typeof machine>[0]): string =>
      renderToStaticMarkup(createElement(QueueList, { machines: [machine(state)], offered: [], now: 0, onOpen: noop, onOpenOffered: noop }));
    const waiting = row({ status: 'pending', outcome: null, stickResult: read });
    expect(waiting).toContain('Not started');
    expect(waiting).toMatch(/data-testid="stick-says"[^>]*>stick: needs attention</);
    expect(row({ status: 'escalated', outcome: 'escalated', stickResult: read })).not.toContain('stick-says');
  });

  it('counts and times the way a technician reads them', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(identityDetails({ hostname: 'A-1', assetTag: 'A-1', site: 'Oslo' })).toBe('Oslo');
    expect(queueCounts(countByStatus([machine({ status: 'paused' }), machine({ status: 'needs_reimage' }), machine({ status: 'fixed' })], 2))).toBe(
      '3 to do · 1 open with the helpdesk or to retry · 1 done',
    );
  });
});

describe("the BitLocker step's note when the vault cannot be searched", () => {
  it('names where Look up asks instead: Microsoft Graph when signed in (then the escrow), else the backend’s escrow', () => {
    expect(onlineLookupSentence('locked', true)).toBe('Look up asks Microsoft Graph meanwhile (you are signed in), then offers the backend’s key escrow.');
    expect(onlineLookupSentence('locked', false)).toBe('Look up asks the backend’s key escrow meanwhile.');
    expect(onlineLookupSentence('absent', false)).toBe('Look up asks the backend’s key escrow.');
  });
});

describe("a machine's status", () => {
  it('reads and looks the same in the Recover queue as on the Journal screen (a PC not yet started is not "Waiting" on one and "Not started" on the other)', () => {
    expect(STATUS_LABEL).toEqual(JOURNAL_STATUS_LABEL);
    expect(STATUS_TONE).toEqual(JOURNAL_STATUS_TONE);
    expect(STATUS_LABEL.pending).toBe('Not started');
  });
});
