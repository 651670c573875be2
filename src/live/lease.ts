/**
 * Leases: which instance polls a resource. The holder renews well before expiry; a holder that
 * dies simply stops renewing, and another instance takes over once the lease expires.
 */
import type { Redis } from 'ioredis';

export interface LeaseStore {
  /** Takes the lease if free (or extends it if `owner` already holds it); true when held. */
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease only if `owner` still holds it; false means it was lost. */
  renew(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it (never someone else's). */
  release(key: string, owner: string): Promise<void>;
}

/** For one instance, or several hubs in one test process. */
export function createMemoryLeaseStore(now: () => number = Date.now): LeaseStore {
  const leases = new Map<string, { owner: string; expiresAt: number }>();
  const holder = (key: string) => {
    const lease = leases.get(key);
    if (lease && lease.expiresAt <= now()) {
      leases.delete(key);
      return undefined;
    }
    return lease;
  };
  return {
    async acquire(key, owner, ttlMs) {
      const lease = holder(key);
      if (lease && lease.owner !== owner) return false;
      leases.set(key, { owner, expiresAt: now() + ttlMs });
      return true;
    },
    async renew(key, owner, ttlMs) {
      const lease = holder(key);
      if (lease?.owner !== owner) return false;
      lease.expiresAt = now() + ttlMs;
      return true;
    },
    async release(key, owner) {
      if (holder(key)?.owner === owner) leases.delete(key);
    },
  };
}

// Compare-and-set scripts: GET then SET/DEL from the client would let a lease that expired in
// between be extended or deleted on behalf of its new holder.
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** Leases as Redis keys `<prefix>lease:<key>` holding the owner's instance id. */
export function createRedisLeaseStore(redis: Redis, prefix: string): LeaseStore {
  const keyOf = (key: string) => `${prefix}lease:${key}`;
  const ttl = (ms: number) => String(Math.max(1, Math.round(ms)));
  return {
    async acquire(key, owner, ttlMs) {
      return (await redis.eval(ACQUIRE, 1, keyOf(key), owner, ttl(ttlMs))) === 1;
    },
    async renew(key, owner, ttlMs) {
      return (await redis.eval(RENEW, 1, keyOf(key), owner, ttl(ttlMs))) === 1;
    },
    async release(key, owner) {
      await redis.eval(RELEASE, 1, keyOf(key), owner);
    },
  };
}
