import { useEffect, useId, useState, type KeyboardEvent, type ReactElement, type Ref } from 'react';
import type { MachineState } from '../../../core/journal/schemas.js';
import { useClient } from '../../state/client.js';
import type { FieldAria } from '../../ui/Field.js';
import { identityDetails } from '../recover/words.js';
import { exactOption, machinePickerOptions, type PickedMachine } from './machine-picker.js';

/** The journal's machines (the Recover queue's), read once when the reveal form opens; none when the journal cannot be read. */
function useJournalMachines(): MachineState[] {
  const client = useClient();
  const [machines, setMachines] = useState<MachineState[]>([]);
  useEffect(() => {
    let live = true;
    client.call('listMachines', {}).then(
      (list) => live && setMachines(list.machines),
      // Without the journal the technician still types the PC's name: nothing to say here.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client]);
  return machines;
}

/**
 * "For which PC?": a name typed (or scanned) as before, or a machine from the journal picked
 * from the list that filters as one types (hostname, asset tag or serial). Down/Up move in the
 * list, Enter picks, Escape closes it; a whole label (a scanned asset tag) is taken by Enter at
 * once. Typing after a pick makes it a typed name again.
 */
export function MachinePicker({
  id,
  value,
  picked,
  onType,
  onPick,
  inputRef,
  aria,
}: {
  id: string;
  value: string;
  picked: PickedMachine | null;
  onType: (text: string) => void;
  onPick: (machine: PickedMachine) => void;
  inputRef: Ref<HTMLInputElement>;
  aria: FieldAria;
}): ReactElement {
  const machines = useJournalMachines();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  const options = open ? machinePickerOptions(machines, picked ? '' : value) : [];
  const shown = options.length > 0;

  function pick(machine: MachineState): void {
    onPick({ machineId: machine.machineId, machine: machine.machine });
    setOpen(false);
    setActive(-1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>): void {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) {
        setOpen(true);
        setActive(0);
        return;
      }
      const last = options.length - 1;
      setActive((current) => (event.key === 'ArrowDown' ? Math.min(current + 1, last) : Math.max(current - 1, -1)));
    } else if (event.key === 'Enter' && shown && active >= 0 && options[active]) {
      event.preventDefault();
      pick(options[active]);
    } else if (event.key === 'Escape' && shown) {
      event.preventDefault();
      setOpen(false);
      setActive(-1);
    }
  }

  const optionId = (index: number): string => `${listId}-${index}`;
  return (
    <div className="machine-picker">
      <input
        ref={inputRef}
        id={id}
        className="input mono"
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={listId}
        aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
        spellCheck={false}
        autoComplete="off"
        maxLength={200}
        value={value}
        {...aria}
        onChange={(event) => {
          const text = event.target.value;
          onType(text);
          setOpen(text.trim() !== '' && machines.length > 0);
          setActive(exactOption(machinePickerOptions(machines, text), text));
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <ul className="machine-picker__list" id={listId} role="listbox" aria-label="Machines in the journal" hidden={!shown} data-testid="machine-picker-list">
        {options.map((machine, index) => (
          <li
            key={machine.machineId}
            id={optionId(index)}
            role="option"
            aria-selected={index === active}
            className="machine-picker__option"
            // Keep the focus in the box: a mousedown would blur it and close the list before the click lands.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => pick(machine)}
          >
            <span className="machine-picker__host mono">{machine.machine.hostname}</span>
            <span className="machine-picker__details">{identityDetails(machine.machine) || 'No asset tag or serial'}</span>
          </li>
        ))}
      </ul>
      {picked ? (
        <p className="machine-picker__picked" data-testid="picked-machine">
          Journal machine: <strong className="mono">{picked.machine.hostname}</strong>
          {identityDetails(picked.machine) ? ` · ${identityDetails(picked.machine)}` : ''}
        </p>
      ) : null}
    </div>
  );
}
