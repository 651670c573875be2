/**
 * The simulated clock. Every piece of state (job and evaluation lifecycles, page-token expiry) is
 * computed lazily from `now()`, so `speed: 0` plus `advance()` is fully deterministic and no timers
 * are needed to move jobs along.
 */

/** Simulated time at start-up and after reset: fixed so that seeded timestamps never vary. */
export const SEED_TIME_MS = Date.UTC(2026, 10, 27, 10, 0, 0);

export class SimClock {
  private realStart: number;
  private advancedMs = 0;

  /**
   * @param speed simulated ms per real ms (0 freezes the clock between explicit advances)
   * @param realNow monotonic real time in ms; injectable for unit use
   */
  constructor(
    private readonly speed: number,
    private readonly seedTime: number = SEED_TIME_MS,
    private readonly realNow: () => number = () => performance.now(),
  ) {
    this.realStart = realNow();
  }

  /** Current simulated time in epoch ms (whole ms, so timestamps and comparisons stay exact). */
  now(): number {
    return Math.floor(this.seedTime + (this.realNow() - this.realStart) * this.speed + this.advancedMs);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    this.advancedMs += ms;
  }

  /** Back to seed time, as if the emulator had just started. */
  reset(): void {
    this.realStart = this.realNow();
    this.advancedMs = 0;
  }
}

/** RFC 3339 in UTC; whole seconds print without a fraction, like the contract's examples. */
export function iso(ms: number): string {
  const text = new Date(ms).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
}
