import { normalizeKeyId, parseRecoveryPassword } from '../bitlocker.js';
import { describePasswordProblem } from './csv-import.js';
import type { ScopeMatcher } from './scope.js';
import type { FileImport, KeyRecord } from './types.js';
import { normalizeVolumeType, parseCreated } from './values.js';

/**
 * Microsoft Graph `bitlocker/recoveryKeys` responses: `{"value":[{id, createdDateTime,
 * volumeType, deviceId, key}], "@odata.nextLink": ...}`. A file may hold one page, several
 * pages one after another (concatenated JSON documents), or a bare array of keys. Line
 * numbers are those of each key object's opening brace.
 */

interface Span {
  start: number;
  end: number;
  /** Offsets of objects at depth 3 (top object > value array > item) or depth 2 in a bare array. */
  items: number[];
}

/** Splits concatenated top-level JSON values, tracking strings so braces inside them do not count. */
export function splitJsonDocuments(text: string): Span[] {
  const spans: Span[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  let items: number[] = [];
  let topIsArray = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) {
        start = i;
        items = [];
        topIsArray = c === '[';
      }
      depth += 1;
      if (c === '{' && (depth === 3 || (topIsArray && depth === 2))) items.push(i);
    } else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) spans.push({ start, end: i + 1, items });
      if (depth < 0) depth = 0;
    }
  }
  if (depth > 0 && start >= 0) spans.push({ start, end: text.length, items });
  return spans;
}

export function looksLikeJson(text: string): boolean {
  return /^\s*[[{]/.test(text);
}

export function importGraphText(text: string, file: string, scope: ScopeMatcher): { ok: true; result: FileImport } | { ok: false; reason: string } {
  const lineStarts: number[] = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const result: FileImport = { file, layout: 'graph', records: [], rejected: [], outOfScope: 0, rows: 0, warnings: [], keyIds: null };
  const spans = splitJsonDocuments(text);
  let pages = 0;
  for (const span of spans) {
    let doc: unknown;
    try {
      doc = JSON.parse(text.slice(span.start, span.end));
    } catch {
      result.rejected.push({ file, line: lineOf(span.start), reason: 'this JSON document is not valid JSON (cut off or edited?); its keys were not read' });
      continue;
    }
    const list = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.value) ? doc.value : null;
    if (list === null) {
      result.rejected.push({ file, line: lineOf(span.start), reason: 'this JSON document has no "value" list of recovery keys' });
      continue;
    }
    pages += 1;
    const exactLines = span.items.length === list.length;
    list.forEach((item: unknown, index: number) => {
      result.rows += 1;
      const line = lineOf(exactLines ? span.items[index]! : span.start);
      const outcome = recordFromItem(item, `${file}:${line}`, scope);
      if (outcome === 'out-of-scope') result.outOfScope += 1;
      else if (typeof outcome === 'string') result.rejected.push({ file, line, reason: exactLines ? outcome : `key ${index + 1} of this page: ${outcome}` });
      else result.records.push(outcome);
    });
  }
  if (pages === 0) return { ok: false, reason: `${file}: no Microsoft Graph recoveryKeys page ({"value": [...]}) could be read.` };
  return { ok: true, result };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordFromItem(item: unknown, source: string, scope: ScopeMatcher): KeyRecord | string | 'out-of-scope' {
  if (!isObject(item)) return 'not a recovery-key object';
  const rawId = typeof item.id === 'string' ? item.id : '';
  if (rawId === '') return 'no ID: "id" is missing';
  const id = normalizeKeyId(rawId);
  if (!id.ok || !('full' in id)) return 'no ID: "id" is not a full key ID (32 hex digits)';
  const deviceId = typeof item.deviceId === 'string' && item.deviceId !== '' ? item.deviceId : null;
  const device = typeof item.deviceName === 'string' && item.deviceName !== '' ? item.deviceName : null;
  if (!scope({ device, deviceId, dn: null })) return 'out-of-scope';
  if (typeof item.key !== 'string' || item.key === '') return 'missing column: no "key" (the Graph list omits keys; export each with ?$select=key)';
  const password = parseRecoveryPassword(item.key);
  if (!password.ok) return describePasswordProblem(password.block, password.reason);
  return {
    id: id.full,
    password: password.password,
    device,
    deviceId,
    dn: null,
    created: typeof item.createdDateTime === 'string' ? parseCreated(item.createdDateTime) : null,
    volumeType: normalizeVolumeType(item.volumeType),
    source,
  };
}
