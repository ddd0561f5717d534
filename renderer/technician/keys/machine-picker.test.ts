import { describe, expect, it } from 'vitest';
import { machineStateFixture } from '../../../core/journal/machine-fixtures.js';
import type { MachineIdentity } from '../../../core/journal/schemas.js';
import { exactOption, machinePickerOptions } from './machine-picker.js';

let n = 0;
function journalMachine(machine: MachineIdentity, lastEventAt: string) {
  n += 1;
  return machineStateFixture({ machineId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, machine, lastEventAt });
}

const LYON = journalMachine({ hostname: 'PC-LYS-0107', serial: 'SN-LYS-0107', assetTag: 'AT-0107', site: 'Lyon' }, '2024-07-19T09:00:00.000Z');
const BERLIN = journalMachine({ hostname: 'PC-BER-0042', serial: 'CZC4410107', assetTag: 'AT-0042', site: 'Berlin' }, '2024-07-19T10:00:00.000Z');
const OSLO = journalMachine({ hostname: 'LAB-7', assetTag: 'PC-LAB-7' }, '2024-07-19T08:30:00.000Z');
const ALL = [LYON, BERLIN, OSLO];
const hostnames = (list: { machine: MachineIdentity }[]) => list.map((m) => m.machine.hostname);

describe('the machine picker of the Keys reveal form', () => {
  it('with nothing typed offers the journal machines most recently worked on first', () => {
    expect(hostnames(machinePickerOptions(ALL, ''))).toEqual(['PC-BER-0042', 'PC-LYS-0107', 'LAB-7']);
    expect(machinePickerOptions(ALL, '', 2)).toHaveLength(2);
  });

  it('finds a machine by any part of its hostname, asset tag or serial, in any case', () => {
    expect(hostnames(machinePickerOptions(ALL, 'lys'))).toEqual(['PC-LYS-0107']);
    expect(hostnames(machinePickerOptions(ALL, 'at-0042'))).toEqual(['PC-BER-0042']);
    expect(hostnames(machinePickerOptions(ALL, 'czc441'))).toEqual(['PC-BER-0042']);
    expect(machinePickerOptions(ALL, 'Lyon')).toEqual([]);
    expect(machinePickerOptions(ALL, 'PC-NEW-1')).toEqual([]);
  });

  it('puts a whole label first (a scanned asset tag), then labels that start so, then the rest', () => {
    // "0107" ends LYON's hostname and asset tag and sits inside BERLIN's serial: neither starts with it.
    expect(hostnames(machinePickerOptions(ALL, '0107'))).toEqual(['PC-BER-0042', 'PC-LYS-0107']);
    expect(hostnames(machinePickerOptions(ALL, 'pc-'))).toEqual(['PC-BER-0042', 'PC-LYS-0107', 'LAB-7']);
    expect(hostnames(machinePickerOptions(ALL, 'lab-7'))).toEqual(['LAB-7']);
    expect(hostnames(machinePickerOptions(ALL, 'AT-0107'))).toEqual(['PC-LYS-0107']);
    expect(hostnames(machinePickerOptions([OSLO, journalMachine({ hostname: 'PC-LAB-70' }, '2024-07-19T11:00:00.000Z')], 'pc-lab-7'))).toEqual(['LAB-7', 'PC-LAB-70']);
  });

  it('lets Enter take an option by itself only for a whole label, so a new name typed and Enter stays that name', () => {
    const options = machinePickerOptions(ALL, 'sn-lys-0107 ');
    expect(exactOption(options, 'sn-lys-0107 ')).toBe(0);
    expect(exactOption(machinePickerOptions(ALL, 'PC-LYS'), 'PC-LYS')).toBe(-1);
  });
});
