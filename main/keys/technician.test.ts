import { describe, expect, it } from 'vitest';
import { technicianName, UNNAMED_TECHNICIAN } from './technician.js';

describe("the technician's name on a reveal", () => {
  const os = () => 'ana.l';
  it('the request, else settings, else the OS user name, else "unnamed technician"', () => {
    expect(technicianName(' Ben ', 'Ana Lopez', os)).toBe('Ben');
    expect(technicianName(undefined, ' Ana Lopez ', os)).toBe('Ana Lopez');
    expect(technicianName('  ', '', os)).toBe('ana.l');
    expect(technicianName(undefined, undefined, () => '')).toBe(UNNAMED_TECHNICIAN);
    expect(
      technicianName(undefined, '', () => {
        throw new Error('no passwd entry for uid 1234');
      }),
    ).toBe(UNNAMED_TECHNICIAN);
  });
});
