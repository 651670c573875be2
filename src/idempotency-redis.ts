/**
 * Idempotency across gateway instances: the same `IdempotencyStore` contract as the in-memory
 * store, kept in Redis so that two instances receiving the same retried `submitEvaluation` POST
 * upstream once.
 *
 * The first caller claims the key with `SET NX` (a pending marker carrying the fingerprint and a
 * claim token), submits, and replaces the marker with the result. Others read the key: a different
 * fingerprint is a mismatch, a result is replayed, a pending marker is waited on by polling. A
 * failed submit deletes its own marker (compare-and-delete), so the client can retry.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { gatewayError } from './errors.js';
import { IDEMPOTENCY_TTL_MS, type IdempotencyStore } from './idempotency.js';

export interface RedisIdempotencyOptions {
  /** How long a result is remembered. Default 24 h, as in memory. */
  ttlMs?: number;
  /** How long a pending claim lives if its owner dies mid-submit; also the longest wait. Default 60 s. */
  pendingTtlMs?: number;
  /** Default `scaimind:idem:`. */
  prefix?: string;
  /** How often a waiting caller re-reads a pending key. Default 25 ms. */
  pollMs?: number;
}

type Entry =
  | { state: 'pending'; fingerprint: string; claim: string }
  | { state: 'done'; fingerprint: string; value: string };

const FORGET = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

const COMPLETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

/** `IdempotencyStore` over Redis; `close()` leaves the connection to its owner. */
export function createRedisIdempotencyStore(redis: Redis, options: RedisIdempotencyOptions = {}): IdempotencyStore {
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const pendingTtlMs = options.pendingTtlMs ?? 60_000;
  const prefix = options.prefix ?? 'scaimind:idem:';
  const pollMs = options.pollMs ?? 25;

  const read = async (key: string): Promise<Entry | null> => {
    const raw = await redis.get(key);
    return raw ? (JSON.parse(raw) as Entry) : null;
  };

  return {
    async run(key, fingerprint, submit) {
      const redisKey = prefix + key;
      const claim = randomUUID();
      const pending = JSON.stringify({ state: 'pending', fingerprint, claim } satisfies Entry);
      const deadline = Date.now() + pendingTtlMs;
      let sawPending = false;
      for (;;) {
        if ((await redis.set(redisKey, pending, 'PX', pendingTtlMs, 'NX')) === 'OK') {
          let value: string;
          try {
            value = await submit();
          } catch (error) {
            await redis.eval(FORGET, 1, redisKey, pending).catch(() => {});
            throw error;
          }
          const done = JSON.stringify({ state: 'done', fingerprint, value } satisfies Entry);
          await redis.eval(COMPLETE, 1, redisKey, pending, done, String(ttlMs));
          return { kind: 'fresh', value };
        }
        const known = await read(redisKey);
        if (known === null) {
          // The claim we waited on was forgotten: its submit failed, and that failure was the
          // winner's to report. Like the in-memory store, do not submit a second time for it.
          if (sawPending) {
            throw gatewayError('UPSTREAM_UNAVAILABLE', 'A concurrent submit with this idempotency key failed; retry.');
          }
          continue;
        }
        if (known.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (known.state === 'done') return { kind: 'replayed', value: known.value };
        sawPending = true;
        if (Date.now() > deadline) {
          throw gatewayError(
            'UPSTREAM_UNAVAILABLE',
            'A concurrent submit with this idempotency key is still running; retry.',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
    async close() {},
  };
}
