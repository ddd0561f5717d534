/** Name clean-up shared by the ISO (Joliet) and FAT writers. */

/** Replaces control characters and the given forbidden characters with "_", keeping everything else (Unicode included). */
export function replaceChars(name: string, forbidden: string): string {
  let out = '';
  for (const char of name) out += char.charCodeAt(0) < 0x20 || forbidden.includes(char) ? '_' : char;
  return out;
}
