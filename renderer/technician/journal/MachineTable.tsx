import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type KeyboardEvent, type ReactElement } from 'react';
import type { MachineState } from '../../../core/journal/schemas.js';
import { stickSays } from '../../../core/journal/ingest-summary.js';
import { Badge } from '../../ui/Badge.js';
import { PATH_LABEL, STATUS_LABEL, STATUS_TONE, shortTime, workedTime } from './words.js';

const ROW_HEIGHT = 52;
/** The scroller grows with the rows up to this, then scrolls. */
const MAX_HEIGHT = 520;
const COLUMNS: [string, string][] = [
  ['Machine', 'Hostname, site, serial and asset tag'],
  ['Outcome', 'The outcome, or where the machine stands'],
  ['Path', 'How the technician got a command prompt'],
  ['Technician', 'Who recorded the outcome (else the last event)'],
  ['Time', 'Time spent, pauses left out'],
  ['Files', 'Files removed'],
  ['Last activity', 'The latest event'],
];

/**
 * Every machine in one scrolling table: only the rows in view are in the page (TanStack
 * Virtual), so 10,000 machines scroll like 10. A grid for assistive technology; Up/Down,
 * Page Up/Down, Home and End move between machines and Enter opens the timeline.
 */
export function MachineTable({ machines, selectedId, onSelect }: { machines: readonly MachineState[]; selectedId: string | null; onSelect: (machineId: string) => void }): ReactElement {
  const scroller = useRef<HTMLDivElement>(null);
  // The React Compiler is not used in this build, so nothing memoizes around the virtualizer's functions.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: machines.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const selectedIndex = machines.findIndex((m) => m.machineId === selectedId);

  const move = (event: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    const step = steps[event.key];
    if (step === undefined || machines.length === 0) return;
    event.preventDefault();
    const next = Math.min(machines.length - 1, Math.max(0, (selectedIndex < 0 ? -1 : selectedIndex) + step));
    virtualizer.scrollToIndex(next, { align: 'auto' });
    onSelect(machines[next]!.machineId);
  };

  return (
    <div className="machine-table" role="grid" aria-label="Machines" aria-rowcount={machines.length + 1} data-testid="machine-table">
      <div className="machine-table__row machine-table__row--head" role="row" aria-rowindex={1}>
        {COLUMNS.map(([name, title]) => (
          <span key={name} role="columnheader" className="machine-table__cell" title={title}>
            {name}
          </span>
        ))}
      </div>
      <div
        className="machine-table__scroller"
        ref={scroller}
        style={{ height: Math.min(MAX_HEIGHT, Math.max(3, machines.length) * ROW_HEIGHT) }}
        tabIndex={0} onKeyDown={move} aria-label="Machine rows: Up and Down move, Enter shows the timeline">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const m = machines[item.index]!;
            const selected = m.machineId === selectedId;
            const stick = stickSays(m);
            const detail = [m.machine.site, m.machine.serial, m.machine.assetTag].filter(Boolean).join(' · ');
            return (
              <div
                key={m.machineId}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                className={['machine-table__row', selected ? 'machine-table__row--selected' : null].filter(Boolean).join(' ')}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={() => onSelect(m.machineId)}
                data-testid="machine-row"
              >
                <span role="gridcell" className="machine-table__cell machine-table__machine">
                  <strong>{m.machine.hostname}</strong>
                  {detail ? <span className="muted">{detail}</span> : null}
                </span>
                <span role="gridcell" className="machine-table__cell machine-table__outcome">
                  <Badge tone={STATUS_TONE[m.status]}>{STATUS_LABEL[m.status]}</Badge>
                  {m.openFor === 'helpdesk' ? <span className="muted machine-table__note">open for the helpdesk</span> : null}
                  {stick ? (
                    <span className="muted machine-table__note" data-testid="stick-says" title="What the stick's result says; not recorded until you confirm it on the Recover screen">
                      {stick}
                    </span>
                  ) : null}
                </span>
                <span role="gridcell" className="machine-table__cell">
                  {m.path ? PATH_LABEL[m.path] : '—'}
                </span>
                <span role="gridcell" className="machine-table__cell">
                  {m.technician}
                </span>
                <span role="gridcell" className="machine-table__cell machine-table__num">
                  {workedTime(m.secondsWorked)}
                </span>
                <span role="gridcell" className="machine-table__cell machine-table__num">
                  {m.filesRemoved.length}
                </span>
                <span role="gridcell" className="machine-table__cell">
                  {shortTime(m.lastEventAt)}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
