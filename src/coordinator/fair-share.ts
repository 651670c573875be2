/**
 * A fair share of the coordinator connection pool per credential scope.
 *
 * The pool has a fixed number of connections. Without this, one caller's burst fills them and
 * queues inside undici, where every other caller's call waits behind it, and where the wait counted
 * against each attempt's timeout: a burst turned into "upstream timeouts" that opened the circuit
 * breaker for every tenant. Here calls wait in a queue of their own scope before they get a
 * connection; the attempt's timer starts only once one is theirs, so the pool never queues.
 *
 * - At most `slots` calls in flight in all (the pool's connections);
 * - one scope holds at most `perScope` of them, so others always find a free one at once;
 * - a freed slot goes to the scopes with waiters in turn (round robin), not to the longest queue;
 * - a scope queues at most `queuePerScope` calls, all scopes together at most `maxWaiting`, and at
 *   most `maxScopes` scopes are tracked at once (a scope is forgotten as soon as it has nothing in
 *   flight or waiting): beyond any of these, a call fails at once with a clear error instead of
 *   growing memory. One credential alone cannot reach `maxWaiting` when `queuePerScope` is smaller.
 */

export interface FairShareOptions {
  slots: number;
  perScope: number;
  queuePerScope: number;
  maxWaiting: number;
  maxScopes: number;
}

/** Why a call did not get a slot. */
export type Refusal = 'queue_full' | 'all_queues_full' | 'too_many_scopes';

interface Waiter {
  grant: () => void;
  settled: boolean;
}

interface Scope {
  key: string;
  inFlight: number;
  waiting: Waiter[];
}

export interface FairShare {
  /**
   * A slot for `key` at once (`granted: true`), a refusal, or a promise that resolves when one is
   * given; `cancel` withdraws a call still waiting (signal, deadline) and reports whether it was
   * still waiting (false: the slot was already given, and must be released).
   */
  acquire(
    key: string,
  ): { granted: true } | { granted: false; refusal: Refusal } | { granted: Promise<void>; cancel: () => boolean };
  /** Gives back a slot `acquire` granted. */
  release(key: string): void;
  /** Calls in flight and waiting, for tests and metrics. */
  stats(): { inFlight: number; waiting: number; scopes: number };
}

export function createFairShare(options: FairShareOptions): FairShare {
  const slots = Math.max(1, options.slots);
  const perScope = Math.min(slots, Math.max(1, options.perScope));
  const scopes = new Map<string, Scope>();
  /** Scopes with waiters, in the order they are served. */
  const ready: Scope[] = [];
  let inFlight = 0;
  let waiting = 0;

  function forgetIfIdle(scope: Scope): void {
    if (scope.inFlight === 0 && scope.waiting.length === 0) scopes.delete(scope.key);
  }

  /** Hands free slots to waiters, one scope at a time in turn. */
  function dispatch(): void {
    let skipped = 0;
    while (inFlight < slots && ready.length > 0 && skipped < ready.length) {
      const scope = ready.shift() as Scope;
      const waiter = scope.waiting.shift();
      if (waiter === undefined) continue;
      if (scope.inFlight >= perScope) {
        // At its share: back to the end of the line, first in its own queue.
        scope.waiting.unshift(waiter);
        ready.push(scope);
        skipped++;
        continue;
      }
      skipped = 0;
      waiting--;
      scope.inFlight++;
      inFlight++;
      waiter.settled = true;
      if (scope.waiting.length > 0) ready.push(scope);
      waiter.grant();
    }
  }

  return {
    acquire(key) {
      let scope = scopes.get(key);
      if (scope === undefined) {
        if (scopes.size >= options.maxScopes) return { granted: false, refusal: 'too_many_scopes' };
        scope = { key, inFlight: 0, waiting: [] };
        scopes.set(key, scope);
      }
      if (scope.waiting.length === 0 && scope.inFlight < perScope && inFlight < slots) {
        scope.inFlight++;
        inFlight++;
        return { granted: true };
      }
      if (scope.waiting.length >= options.queuePerScope || waiting >= options.maxWaiting) {
        forgetIfIdle(scope);
        return { granted: false, refusal: waiting >= options.maxWaiting ? 'all_queues_full' : 'queue_full' };
      }
      const own = scope;
      let waiter!: Waiter;
      const granted = new Promise<void>((resolve) => {
        waiter = { grant: resolve, settled: false };
      });
      if (own.waiting.length === 0) ready.push(own);
      own.waiting.push(waiter);
      waiting++;
      return {
        granted,
        cancel: () => {
          if (waiter.settled) return false;
          waiter.settled = true;
          const index = own.waiting.indexOf(waiter);
          if (index >= 0) own.waiting.splice(index, 1);
          waiting--;
          if (own.waiting.length === 0) {
            const at = ready.indexOf(own);
            if (at >= 0) ready.splice(at, 1);
          }
          forgetIfIdle(own);
          return true;
        },
      };
    },
    release(key) {
      const scope = scopes.get(key);
      if (scope === undefined) return;
      scope.inFlight--;
      inFlight--;
      dispatch();
      forgetIfIdle(scope);
    },
    stats: () => ({ inFlight, waiting, scopes: scopes.size }),
  };
}
