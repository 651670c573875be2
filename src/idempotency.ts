/**
 * Idempotency for `submitEvaluation`: the coordinator has none, and a retried POST creates a second
 * evaluation. A key (scoped to the caller's credential) remembers the input's fingerprint and the
 * evaluation it created for `ttlMs`; the same key and input returns that evaluation without a second
 * POST, even while the first submit is still in flight.
 */

export type IdempotentOutcome =
  | { kind: 'fresh'; value: string }
  | { kind: 'replayed'; value: string }
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  /**
   * Runs `submit` at most once per `key` within the TTL. A failed submit is forgotten so that the
   * client can retry it; a different `fingerprint` under a known key is a `mismatch`.
   */
  run(key: string, fingerprint: string, submit: () => Promise<string>): Promise<IdempotentOutcome>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

interface Entry {
  fingerprint: string;
  value: Promise<string>;
  expiresAt: number;
}

/** Keys kept at most by one in-process store: a flood of fresh keys must not grow memory forever. */
export const MAX_MEMORY_IDEMPOTENCY_KEYS = 100_000;

export function createMemoryIdempotencyStore(
  ttlMs = IDEMPOTENCY_TTL_MS,
  now: () => number = Date.now,
  maxKeys = MAX_MEMORY_IDEMPOTENCY_KEYS,
): IdempotencyStore {
  const entries = new Map<string, Entry>();

  const sweep = (at: number) => {
    // Map iteration is insertion order, and every entry has the same TTL: stop at the first live one.
    for (const [key, entry] of entries) {
      if (entry.expiresAt > at) break;
      entries.delete(key);
    }
  };

  return {
    async run(key, fingerprint, submit) {
      const at = now();
      sweep(at);
      const known = entries.get(key);
      if (known) {
        if (known.fingerprint !== fingerprint) return { kind: 'mismatch' };
        return { kind: 'replayed', value: await known.value };
      }
      const value = submit();
      // The oldest key goes first: it is the one a client is least likely to retry.
      if (entries.size >= maxKeys) entries.delete(entries.keys().next().value as string);
      entries.set(key, { fingerprint, value, expiresAt: at + ttlMs });
      try {
        return { kind: 'fresh', value: await value };
      } catch (error) {
        entries.delete(key);
        throw error;
      }
    },
    async close() {
      entries.clear();
    },
  };
}
