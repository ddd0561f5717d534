import { describe, expect, it } from 'vitest';
import { fakeGuid, fakeRecoveryPassword, seededRng } from './fake-keys.js';
import { KeyIndex } from './lookup.js';

describe('KeyIndex', () => {
  it('a device with several keys asks for the key ID', () => {
    const rng = seededRng(3);
    const rec = (device: string) => ({ id: fakeGuid(rng), password: fakeRecoveryPassword(rng), device, deviceId: null, dn: null, created: null, volumeType: null, source: 'x' });
    const index = new KeyIndex([rec('PC-1'), rec('PC-1'), rec('PC-2')]);
    expect(index.lookup('pc-1')).toMatchObject({ kind: 'ambiguous', total: 2, message: expect.stringMatching(/has 2 keys/) });
    expect(index.lookup('PC-2')).toMatchObject({ kind: 'found' });
  });
});
