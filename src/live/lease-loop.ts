/**
 * Holding a lease over time: contend for it, renew it well before expiry, notice its loss, give it
 * up. One loop per shared upstream reader (a status poller, a stream relay); the loop decides when
 * this instance is the reader, the caller decides what reading means.
 */
import type { Logger } from '../log.js';
import type { LeaseStore } from './lease.js';

export interface LeaseLoopOptions {
  store: LeaseStore;
  key: string;
  /** This instance's id. */
  owner: string;
  ttlMs: number;
  /** This instance became the holder: start reading upstream. */
  onAcquired(): void;
  /** Another instance holds the lease now: stop reading. Not called by `stop()`. */
  onLost(): void;
  /** What the lease guards, for logs (never a credential). */
  label: string;
  log?: Logger;
}

export interface LeaseLoop {
  /** First contention; resolves once it is decided (held or not). Never rejects. */
  start(): Promise<void>;
  /**
   * Ends the loop without releasing, and returns whether the lease was held: the caller releases
   * after its own cleanup (a retained message must be cleared before a new holder may retain).
   */
  stop(): boolean;
  /** Gives the lease up if this instance holds it (never someone else's). Never rejects. */
  release(): Promise<void>;
  readonly holding: boolean;
}

export function createLeaseLoop(options: LeaseLoopOptions): LeaseLoop {
  const { store, key, owner, ttlMs, log } = options;
  // Renewed every third of the TTL, so a dead holder is replaced within about one TTL.
  const tickMs = Math.max(1, Math.round(ttlMs / 3));
  let holding = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      void tick();
    }, tickMs);
  };

  /** Holder: renew (or notice the loss). Others: try to take over. */
  async function tick(): Promise<void> {
    if (stopped) return;
    if (!holding) return contend();
    let kept = false;
    try {
      // A renewal that came too late (a busy event loop) finds the lease expired: take it again
      // unless another instance already has, rather than hand over to nobody and start afresh.
      kept = (await store.renew(key, owner, ttlMs)) || (await store.acquire(key, owner, ttlMs));
    } catch (error) {
      // Redis is unreachable: keep reading. Two instances reading for a while costs a few calls;
      // nobody reading would freeze every subscriber with no end.
      kept = true;
      log?.warn('live: lease renewal failed; reading on without a lease', { what: options.label, error });
    }
    if (stopped) return;
    if (!kept) {
      log?.info('live: lease lost, another instance reads', { what: options.label });
      holding = false;
      options.onLost();
    }
    schedule();
  }

  async function contend(): Promise<void> {
    let won = false;
    try {
      won = await store.acquire(key, owner, ttlMs);
    } catch (error) {
      // Same trade as on renewal: without Redis, serve this instance's subscribers by reading here.
      won = true;
      log?.warn('live: lease acquisition failed; reading without a lease', { what: options.label, error });
    }
    if (stopped) {
      if (won) await store.release(key, owner).catch(() => {});
      return;
    }
    if (won && !holding) {
      holding = true;
      options.onAcquired();
    }
    schedule();
  }

  return {
    start: contend,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const held = holding;
      holding = false;
      return held;
    },
    async release() {
      await store.release(key, owner).catch(() => {});
    },
    get holding() {
      return holding;
    },
  };
}
