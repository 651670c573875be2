/** Limit reported when rate limiting is off: large enough that no client ever backs off. */
export const NOMINAL_LIMIT = 100_000;

const WINDOW_MS = 60_000;

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the oldest request in the window leaves it. */
  resetSeconds: number;
  /** When refused: seconds until a request would be accepted. */
  retryAfter: number | undefined;
}

/** A per-key timestamp log (head index instead of shift(), so long windows stay O(1) amortised). */
class Window {
  times: number[] = [];
  head = 0;

  prune(now: number): void {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - WINDOW_MS) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.times.length - this.head;
  }

  get oldest(): number | undefined {
    return this.times[this.head];
  }
}

/**
 * Sliding 60 s window per API key, on real time (a frozen simulated clock must not freeze the
 * budget). Refused requests do not consume budget.
 */
export class RateLimiter {
  private windows = new Map<string, Window>();

  constructor(
    private readonly limitPerMinute: number | null,
    private readonly realNow: () => number = () => performance.now(),
  ) {}

  hit(key: string): RateLimitVerdict {
    const now = this.realNow();
    const window = this.windows.get(key) ?? new Window();
    this.windows.set(key, window);
    window.prune(now);
    const limit = this.limitPerMinute ?? NOMINAL_LIMIT;
    const secondsUntilOldestLeaves = () => {
      const oldest = window.oldest;
      return oldest === undefined ? 0 : Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
    };
    if (this.limitPerMinute !== null && window.size >= limit) {
      const wait = secondsUntilOldestLeaves();
      return { allowed: false, limit, remaining: 0, resetSeconds: wait, retryAfter: wait };
    }
    window.times.push(now);
    return {
      allowed: true,
      limit,
      remaining: Math.max(0, limit - window.size),
      resetSeconds: secondsUntilOldestLeaves(),
      retryAfter: undefined,
    };
  }

  reset(): void {
    this.windows.clear();
  }
}
