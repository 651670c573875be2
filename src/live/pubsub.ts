/**
 * The channel between the instance that polls a resource and every instance serving its
 * subscribers: publish/subscribe plus one retained message per topic (the latest snapshot), so a
 * new subscriber gets the current state at once without an upstream call.
 *
 * Redis mode uses plain ioredis pub/sub rather than `@graphql-yoga/redis-event-target`: the event
 * target does not expose when SUBSCRIBE has taken effect, and the retained-message handshake below
 * (SUBSCRIBE, then GET the retained value) is only race-free when it does.
 */
import type { Redis } from 'ioredis';

export interface TopicSubscription<M> {
  /** The retained message at subscribe time, unless a newer message already arrived. */
  retained: M | null;
  unsubscribe(): Promise<void>;
}

/** Items appended to a topic's journal along with a publication. */
export interface JournalAppend {
  entries: readonly unknown[];
  /** Only the latest this many entries are kept. */
  maxEntries: number;
  /** The journal goes this long after its latest append. */
  ttlMs: number;
}

export interface LivePubSub<M> {
  /** Resolves once every later `publish` on `topic` reaches `handler`. */
  subscribe(topic: string, handler: (message: M) => void): Promise<TopicSubscription<M>>;
  /**
   * Delivers `message` to every subscriber of `topic` and retains it for `retainMs`; with
   * `journal`, appends its entries to the topic's journal first (one atomic step).
   */
  publish(topic: string, message: M, retainMs: number, journal?: JournalAppend): Promise<void>;
  /** The topic's journal, oldest first (entries as appended; the caller knows their type). */
  journal(topic: string): Promise<unknown[]>;
  /** Retains `message` for `retainMs` without delivering it (refreshes an unchanged state). */
  retain(topic: string, message: M, retainMs: number): Promise<void>;
  /** Forgets the retained message (nobody reads the resource any more); the journal stays until it expires. */
  clearRetained(topic: string): Promise<void>;
  /** Drops every handler; connections passed in stay open (their owner closes them). */
  close(): Promise<void>;
}

/** In-process channel: one instance, or several hubs in one test process sharing it. */
export function createMemoryPubSub<M>(now: () => number = Date.now): LivePubSub<M> {
  const handlers = new Map<string, Set<(message: M) => void>>();
  const retained = new Map<string, { message: M; expiresAt: number }>();
  const journals = new Map<string, { entries: unknown[]; expiresAt: number }>();

  const deliver = (topic: string, message: M) => {
    for (const handler of handlers.get(topic) ?? []) handler(message);
  };

  return {
    async subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) {
        set = new Set();
        handlers.set(topic, set);
      }
      set.add(handler);
      const kept = retained.get(topic);
      if (kept && kept.expiresAt <= now()) retained.delete(topic);
      return {
        retained: kept && kept.expiresAt > now() ? kept.message : null,
        async unsubscribe() {
          set.delete(handler);
          if (set.size === 0 && handlers.get(topic) === set) handlers.delete(topic);
        },
      };
    },
    async publish(topic, message, retainMs, journal) {
      if (journal && journal.entries.length > 0) {
        const kept = journals.get(topic);
        const entries = kept && kept.expiresAt > now() ? kept.entries : [];
        entries.push(...journal.entries);
        if (entries.length > journal.maxEntries) entries.splice(0, entries.length - journal.maxEntries);
        journals.set(topic, { entries, expiresAt: now() + journal.ttlMs });
      }
      retained.set(topic, { message, expiresAt: now() + retainMs });
      deliver(topic, message);
    },
    async journal(topic) {
      const kept = journals.get(topic);
      if (kept && kept.expiresAt <= now()) journals.delete(topic);
      return kept && kept.expiresAt > now() ? [...kept.entries] : [];
    },
    async retain(topic, message, retainMs) {
      retained.set(topic, { message, expiresAt: now() + retainMs });
    },
    async clearRetained(topic) {
      retained.delete(topic);
    },
    async close() {
      handlers.clear();
      retained.clear();
      journals.clear();
    },
  };
}

export interface RedisPubSubOptions {
  /** Commands and PUBLISH. */
  publisher: Redis;
  /** A dedicated connection: once it subscribes, Redis allows it nothing else. */
  subscriber: Redis;
  /** Prefix of every channel and key, e.g. `scaimind:live:`. */
  prefix: string;
}

/** Channel over Redis pub/sub; retained messages are plain keys with a TTL. */
export function createRedisPubSub<M>(options: RedisPubSubOptions): LivePubSub<M> {
  const { publisher, subscriber, prefix } = options;
  const channelOf = (topic: string) => `${prefix}ch:${topic}`;
  const retainedKeyOf = (topic: string) => `${prefix}retained:${topic}`;
  const journalKeyOf = (topic: string) => `${prefix}journal:${topic}`;
  const handlers = new Map<string, Set<(message: M) => void>>();
  /** SUBSCRIBE commands in flight, so concurrent subscribers of one channel wait for the same one. */
  const subscribing = new Map<string, Promise<unknown>>();

  const onMessage = (channel: string, payload: string) => {
    const set = handlers.get(channel);
    if (!set) return;
    let message: M;
    try {
      message = JSON.parse(payload) as M;
    } catch {
      return;
    }
    for (const handler of set) handler(message);
  };
  subscriber.on('message', onMessage);

  return {
    async subscribe(topic, handler) {
      const channel = channelOf(topic);
      let arrived = false;
      const wrapped = (message: M) => {
        arrived = true;
        handler(message);
      };
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        const pending = subscriber.subscribe(channel).finally(() => subscribing.delete(channel));
        subscribing.set(channel, pending);
      }
      set.add(wrapped);
      const unsubscribe = async () => {
        const current = handlers.get(channel);
        if (!current?.delete(wrapped) || current.size > 0) return;
        handlers.delete(channel);
        await subscriber.unsubscribe(channel).catch(() => {});
      };
      try {
        await subscribing.get(channel);
        // Read after SUBSCRIBE: a message published meanwhile was SET before it was PUBLISHed,
        // so either this GET sees it or the handler does. A message already handled is at
        // least as new as anything this GET returns, hence `arrived` wins.
        const payload = await publisher.get(retainedKeyOf(topic));
        const retained = payload && !arrived ? (JSON.parse(payload) as M) : null;
        return { retained, unsubscribe };
      } catch (error) {
        await unsubscribe();
        throw error;
      }
    },
    async publish(topic, message, retainMs, journal) {
      const payload = JSON.stringify(message);
      // One transaction: the retained value and the journal are in place before any subscriber
      // hears of the message.
      const multi = publisher.multi();
      if (journal && journal.entries.length > 0) {
        const key = journalKeyOf(topic);
        multi
          .rpush(key, ...journal.entries.map((entry) => JSON.stringify(entry)))
          .ltrim(key, -journal.maxEntries, -1)
          .pexpire(key, Math.max(1, Math.round(journal.ttlMs)));
      }
      await multi
        .set(retainedKeyOf(topic), payload, 'PX', Math.max(1, Math.round(retainMs)))
        .publish(channelOf(topic), payload)
        .exec();
    },
    async journal(topic) {
      const entries = await publisher.lrange(journalKeyOf(topic), 0, -1);
      const out: unknown[] = [];
      for (const entry of entries) {
        try {
          out.push(JSON.parse(entry));
        } catch {
          // A foreign or truncated entry is skipped, never fatal.
        }
      }
      return out;
    },
    async retain(topic, message, retainMs) {
      await publisher.set(retainedKeyOf(topic), JSON.stringify(message), 'PX', Math.max(1, Math.round(retainMs)));
    },
    async clearRetained(topic) {
      await publisher.del(retainedKeyOf(topic));
    },
    async close() {
      subscriber.off('message', onMessage);
      const channels = [...handlers.keys()];
      handlers.clear();
      if (channels.length && subscriber.status === 'ready') await subscriber.unsubscribe(...channels).catch(() => {});
    },
  };
}
