/** How the Keys screen writes a password, a key ID and the revealed-keys file name. */

/** The 8 blocks of 6 digits, as the recovery screen asks for them. */
export function passwordGroups(password: string): string[] {
  const digits = password.replace(/\D/g, '');
  return digits.match(/\d{1,6}/g) ?? [];
}

/** A key ID split where the recovery screen stops showing it: its first 8 characters, then the rest. */
export function splitKeyId(id: string): { head: string; rest: string } {
  return { head: id.slice(0, 8), rest: id.slice(8) };
}

export function revealedCsvFileName(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `bootmend-revealed-keys-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.csv`;
}
