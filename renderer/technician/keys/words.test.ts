import { describe, expect, it } from 'vitest';
import { passwordGroups, revealedCsvFileName, splitKeyId } from './words.js';

// A fake password in the checksum-valid form (each block a multiple of 11); never a real key.
const PASSWORD = '452243-049214-114345-105017-371888-000682-463177-088396';
const KEY_ID = '2C8A6B9F-316C-6E71-0603-C40A0906D6BE';

describe('keys: how a password and a key ID read', () => {
  it('splits the password into the 8 blocks the recovery screen asks for', () => {
    expect(passwordGroups(PASSWORD)).toEqual(PASSWORD.split('-'));
    expect(passwordGroups(PASSWORD.replace(/-/g, ' '))).toHaveLength(8);
  });

  it('emphasises the 8 characters of the key ID the recovery screen shows', () => {
    expect(splitKeyId(KEY_ID)).toEqual({ head: '2C8A6B9F', rest: '-316C-6E71-0603-C40A0906D6BE' });
  });

  it('names the CSV export after the local date', () => {
    expect(revealedCsvFileName(new Date(2024, 6, 9, 23, 30))).toBe('bootmend-revealed-keys-2024-07-09.csv');
  });
});
