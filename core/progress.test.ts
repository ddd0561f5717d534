import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, ProgressMeter } from './progress.js';

describe('progress maths', () => {
  it('measures speed over the recent window and derives the ETA', () => {
    const meter = new ProgressMeter('job-1', 2000);
    meter.update(0, 'writing', '', 0, 100_000_000);
    meter.update(1000, 'writing', '', 10_000_000, 100_000_000);
    const event = meter.update(2000, 'writing', '', 20_000_000, 100_000_000);
    expect(event.speed).toBe(10_000_000);
    expect(event.etaSeconds).toBe(8);
    expect(event.fraction).toBeCloseTo(0.2);
  });

  it('forgets an early burst once it leaves the window', () => {
    const meter = new ProgressMeter('job-1', 2000);
    meter.update(0, 'writing', '', 0, null);
    meter.update(1000, 'writing', '', 50_000_000, null);
    meter.update(4000, 'writing', '', 51_000_000, null);
    const event = meter.update(5000, 'writing', '', 52_000_000, null);
    expect(event.speed).toBe(1_000_000);
    expect(event.fraction).toBeNull();
    expect(event.etaSeconds).toBeNull();
  });

  it('has no speed on the first sample and reports done at the end', () => {
    const meter = new ProgressMeter('job-1');
    expect(meter.update(0, 'x', '', 0, 10).speed).toBeNull();
    expect(meter.update(10, 'x', '', 10, 10)).toMatchObject({ fraction: 1, etaSeconds: 0 });
  });

  it('formats sizes and durations for people', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1_500_000_000)).toBe('1.50 GB');
    expect(formatBytes(128_000_000_000)).toBe('128 GB');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('—');
  });
});
