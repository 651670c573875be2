import type { EmulatorStats } from './types.js';

/** Request counts and peak concurrency per "METHOD /route/{template}". */
export class StatsRecorder {
  private requests = new Map<string, number>();
  private maxInFlight = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  /**
   * Counts a request as arrived and in flight; call the returned function once its response is
   * finished or abandoned (it is safe to call more than once).
   */
  begin(route: string): () => void {
    this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
    const current = (this.inFlight.get(route) ?? 0) + 1;
    this.inFlight.set(route, current);
    if (current > (this.maxInFlight.get(route) ?? 0)) this.maxInFlight.set(route, current);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight.set(route, (this.inFlight.get(route) ?? 1) - 1);
    };
  }

  snapshot(): EmulatorStats {
    return {
      requests: Object.fromEntries(this.requests),
      max_in_flight: Object.fromEntries(this.maxInFlight),
    };
  }

  /** Forgets counts and peaks; requests still in flight keep being tracked. */
  reset(): void {
    this.requests = new Map();
    this.maxInFlight = new Map();
  }
}
