import { describe, expect, it } from 'vitest';
import { etaSentence, formatDuration, formatPercent } from './words.js';

describe('helpdesk words', () => {
  it('says durations in hours and minutes', () => {
    expect(formatDuration(0)).toBe('now');
    expect(formatDuration(12 * 60_000)).toBe('in 12 min');
    expect(formatDuration(200 * 60_000)).toBe('in 3 h 20 min');
    expect(formatDuration(120 * 60_000)).toBe('in 2 h');
  });

  it('never rounds an unfinished fleet up to 100 %', () => {
    expect(formatPercent(999, 1000)).toBe('99 %');
    expect(formatPercent(1000, 1000)).toBe('100 %');
    expect(formatPercent(1, 1000)).toBe('<1 %');
  });

  it('explains a missing ETA and a finished fleet', () => {
    expect(etaSentence({ remaining: 0, fixedPerHour: 0, eta: null })).toBe('Every machine is up.');
    expect(etaSentence({ remaining: 5, fixedPerHour: 0, eta: null })).toMatch(/no ETA yet for the 5 still down/);
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(etaSentence({ remaining: 50, fixedPerHour: 25, eta: '2026-01-01T12:00:00Z' }, now)).toMatch(/^50 still down: all up in 2 h .* at 25 an hour\.$/);
  });
});
