/**
 * Stores for automatic persisted queries (Apollo's APQ protocol): sha256 hash → query text, filled
 * by clients (a hash with its query registers it; a hash alone runs it, or gets
 * PERSISTED_QUERY_NOT_FOUND so the client resends the text). In memory it is bounded in entries and
 * bytes, least recently used first out; over Redis it is shared by every instance, each entry
 * expiring after a day unused. The protocol itself is part of the operation admission
 * (security.ts), so it holds on every transport.
 */
import type { Redis } from 'ioredis';

export interface ApqStore {
  get(hash: string): Promise<string | null> | string | null;
  set(hash: string, query: string): Promise<void> | void;
}

export interface MemoryApqOptions {
  maxEntries?: number;
  /** Total query text kept, in UTF-16 code units (about bytes for GraphQL text). */
  maxChars?: number;
}

export function createMemoryApqStore(options: MemoryApqOptions = {}): ApqStore {
  const maxEntries = options.maxEntries ?? 1_000;
  const maxChars = options.maxChars ?? 5_000_000;
  const entries = new Map<string, string>();
  let chars = 0;
  return {
    get(hash) {
      const query = entries.get(hash);
      if (query === undefined) return null;
      // Map order is insertion order: re-inserting marks it most recently used.
      entries.delete(hash);
      entries.set(hash, query);
      return query;
    },
    set(hash, query) {
      if (query.length > maxChars) return;
      const previous = entries.get(hash);
      if (previous !== undefined) {
        entries.delete(hash);
        chars -= previous.length;
      }
      entries.set(hash, query);
      chars += query.length;
      for (const [oldest, text] of entries) {
        if (entries.size <= maxEntries && chars <= maxChars) break;
        entries.delete(oldest);
        chars -= text.length;
      }
    },
  };
}

const DAY_SECONDS = 86_400;

/**
 * Shared over Redis. A Redis failure reads as "not found" and a failed write is dropped: the
 * client then sends the full query, which always works.
 */
export function createRedisApqStore(redis: Redis, prefix: string, ttlSeconds = DAY_SECONDS): ApqStore {
  return {
    async get(hash) {
      try {
        const key = `${prefix}${hash}`;
        const query = await redis.get(key);
        if (query !== null) void redis.expire(key, ttlSeconds).catch(() => {});
        return query;
      } catch {
        return null;
      }
    },
    async set(hash, query) {
      try {
        await redis.set(`${prefix}${hash}`, query, 'EX', ttlSeconds);
      } catch {}
    },
  };
}
