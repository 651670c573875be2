/** Every timer the emulator starts, so close() can stop them all and never leave the process busy. */
export class Timers {
  private readonly active = new Set<NodeJS.Timeout>();

  /** Resolves after `ms` real milliseconds (never, if the emulator closes first). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.active.delete(timer);
        resolve();
      }, ms);
      this.active.add(timer);
    });
  }

  /** Runs `tick` every `ms`; returns a stop function (idempotent). */
  every(ms: number, tick: () => void): () => void {
    const timer = setInterval(tick, ms);
    this.active.add(timer);
    return () => {
      clearInterval(timer);
      this.active.delete(timer);
    };
  }

  clearAll(): void {
    for (const timer of this.active) clearTimeout(timer);
    this.active.clear();
  }
}
