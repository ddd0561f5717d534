/**
 * Import scoping: a technician carries only their site's keys. A pattern with "=" is an AD
 * path component (`OU=Berlin`, `OU=PC-*`) matched against each component of the record's
 * DN; any other pattern is a glob (`*`, `?`, case-insensitive) matched against the whole
 * device name or Entra device ID.
 */

export interface ScopeTarget {
  device: string | null;
  deviceId: string | null;
  dn: string | null;
}

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/** Splits a DN on commas that are not escaped with a backslash. */
export function dnComponents(dn: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < dn.length; i += 1) {
    const char = dn[i]!;
    if (char === '\\' && i + 1 < dn.length) {
      current += char + dn[i + 1]!;
      i += 1;
    } else if (char === ',') {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  return parts.filter((part) => part.length > 0);
}

export type ScopeMatcher = (target: ScopeTarget) => boolean;

/** The matcher for "no scope"; importers skip calling it per row. */
export const EVERYTHING: ScopeMatcher = () => true;

/** No patterns: everything is in scope. Several patterns: any may match. */
export function scopeMatcher(patterns: readonly string[]): ScopeMatcher {
  const clean = patterns.map((p) => p.trim()).filter((p) => p.length > 0);
  if (clean.length === 0) return EVERYTHING;
  const tests = clean.map((pattern): ScopeMatcher => {
    if (pattern.includes('=')) {
      const wanted = dnComponents(pattern).map((part) => globToRegExp(part.replace(/\s*=\s*/, '=')));
      return ({ dn }) => {
        if (!dn) return false;
        const have = dnComponents(dn).map((part) => part.replace(/\s*=\s*/, '='));
        return wanted.every((re) => have.some((part) => re.test(part)));
      };
    }
    const re = globToRegExp(pattern);
    return ({ device, deviceId }) => (device !== null && re.test(device)) || (deviceId !== null && re.test(deviceId));
  });
  return (target) => tests.some((test) => test(target));
}
