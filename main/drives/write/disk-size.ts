/** What `diskutil info -plist /dev/diskN` (macOS) tells the writer; null where the output does not say. */
export interface DiskutilInfo {
  size: number | null;
  writable: boolean | null;
  wholeDisk: boolean | null;
}

/** The value after `<key>name</key>` in diskutil's flat top-level dict: an integer, or true/false. */
function valueOf(plist: string, name: string): string | null {
  const match = new RegExp(`<key>${name}</key>\\s*(<integer>(\\d+)</integer>|<(true|false)/>)`).exec(plist);
  return match ? (match[2] ?? match[3] ?? null) : null;
}

const flag = (value: string | null): boolean | null => (value === 'true' ? true : value === 'false' ? false : null);

/**
 * Reads a disk's size and write-protection from `diskutil info -plist`. TotalSize is the whole
 * medium in bytes (Size says the same on recent macOS; older ones have only Size and IOKitSize).
 */
export function parseDiskutilInfo(plist: string): DiskutilInfo {
  const size = valueOf(plist, 'TotalSize') ?? valueOf(plist, 'Size') ?? valueOf(plist, 'IOKitSize');
  const parsed = size === null ? null : Number(size);
  return {
    size: parsed !== null && Number.isSafeInteger(parsed) && parsed > 0 ? parsed : null,
    writable: flag(valueOf(plist, 'WritableMedia')) ?? flag(valueOf(plist, 'Writable')),
    wholeDisk: flag(valueOf(plist, 'WholeDisk')),
  };
}
