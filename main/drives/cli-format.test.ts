import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyDrives } from '../../core/drives/drives.js';
import { drivesJson, formatDrivesTable } from './cli-format.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../core/drives/fixtures/${name}.json`, import.meta.url), 'utf8'));

describe('bootmend drives list', () => {
  const entries = classifyDrives(fixture('windows-laptop') as never);

  it('prints a table a technician can read: what each drive is and whether it can be written', () => {
    const text = formatDrivesTable(entries);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^DEVICE\s+SIZE\s+KIND\s+MODEL\s+LABEL\s+SELECTABLE \/ WHY NOT$/);
    expect(text).toContain('no: Holds the running system (C: is mounted from it); choose a USB stick.');
    expect(lines.find((l) => l.includes('PHYSICALDRIVE1'))).toMatch(/30\.8 GB\s+usb-stick\s+SanDisk Ultra USB 3\.0\s+SANDISK\s+SELECTABLE$/);
    expect(text).toContain('2 drives can be written.');
    expect(text).toContain('USB hard disks are not offered; add --include-usb-hdd to offer them.');
  });

  it('asks for the size or label of a large drive in the table', () => {
    const text = formatDrivesTable(classifyDrives(fixture('windows-laptop') as never, { includeUsbHdd: true }), { includeUsbHdd: true });
    expect(text).toContain('SELECTABLE after typing "2.00 TB" or "Backup"');
    expect(text).not.toContain('--include-usb-hdd');
  });

  it('says what to do when nothing can be written', () => {
    expect(formatDrivesTable(classifyDrives(fixture('vm-virtio') as never))).toContain('No drive can be written: plug in a USB stick or SD card.');
  });

  it('prints JSON with device, size, kind, selectable and reasons (a code and a sentence each)', () => {
    const json = JSON.parse(JSON.stringify(drivesJson(entries))) as Record<string, unknown>[];
    expect(json).toHaveLength(4);
    for (const item of json) {
      expect(item).toEqual(expect.objectContaining({ device: expect.any(String), size: expect.any(Number), kind: expect.any(String), selectable: expect.any(Boolean) }));
      for (const r of item.reasons as Record<string, unknown>[]) expect(r).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    }
    expect(json[3]).toMatchObject({ device: '\\\\.\\PHYSICALDRIVE3', kind: 'usb-hdd', selectable: false, reasons: [{ code: 'USB_HDD_HIDDEN' }] });
  });
});
