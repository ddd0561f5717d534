/**
 * Key lookups per token in a sliding minute: a stolen technician token cannot walk the
 * escrow. Kept per instance (several instances multiply it; the audit records every lookup).
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a try; returns the seconds to wait when over the limit, else 0. */
  take(who: string): number {
    const now = this.now();
    const recent = (this.hits.get(who) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= this.perMinute) {
      this.hits.set(who, recent);
      return Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
    }
    recent.push(now);
    this.hits.set(who, recent);
    return 0;
  }
}
