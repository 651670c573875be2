/**
 * The lifecycle every kind of shared upstream reader gives its topics (status pollers, stream
 * relays): one topic per key while it has members on this instance, at most `maxTopics` of them;
 * each listens on its channel and contends for its lease, and the lease holder reads upstream.
 * A topic closes with its last member: its reader stops, and (if it held the lease) its retained
 * message is cleared before the lease is released, so a new holder never sees a stale one. A topic
 * of the same key opened meanwhile waits for that cleanup.
 *
 * The table owns the bookkeeping; what reading, a message or a member means stays with the caller.
 */
import { GraphQLError } from 'graphql';
import { gatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LeaseStore } from './lease.js';
import { createLeaseLoop, type LeaseLoop } from './lease-loop.js';
import type { LivePubSub } from './pubsub.js';
import type { LiveMessage } from './types.js';

/** What the table needs of a topic's reader. */
export interface UpstreamReader {
  start(): void;
  stop(): void;
  readonly running: boolean;
}

/** What the table needs of a topic; the caller's topic type adds the rest. */
export interface SharedTopic<M> {
  readonly key: string;
  /** The watchers on this instance; the topic closes when the last one leaves. */
  readonly members: Set<M>;
  closed: boolean;
}

export interface TopicTableOptions<T extends SharedTopic<M>, M> {
  instanceId: string;
  pubsub: LivePubSub<LiveMessage>;
  lease: LeaseStore;
  leaseTtlMs: number;
  /** Topics open at once on this instance: a bound no client can push. */
  maxTopics: number;
  /** What these topics carry, for logs ("status", "stream"). */
  what: string;
  /** What a watch is told at the bound, and when its topic cannot be opened. */
  messages: { tooMany: string; unavailable: string };
  log?: Logger;
  /**
   * The topic's upstream reader (a poller, a relay), made when this instance wins the lease and
   * started at once; stopped when another instance holds the lease or the topic closes.
   */
  reader(topic: T): UpstreamReader;
  /** A message another instance published, or the one the channel retained. */
  onMessage(topic: T, message: LiveMessage): void;
  /** Once subscribed, before the retained message: catch up on what the channel keeps. */
  catchUp?(topic: T): Promise<void>;
  /** The topic could not be opened (the channel is unreachable): fail its members. */
  onOpenFailed(topic: T, error: GraphQLError): void;
  /** The topic closes (before its reader stops): drop what it holds besides the reader. */
  onClose?(topic: T): void;
  /** The gateway shuts down: end the topic's members. */
  onShutdown(topic: T): void;
}

export interface TopicTable<T extends SharedTopic<M>, M> {
  /** The open topic of `key`, or `create()`d, opened and counted; throws at the bound or after close. */
  acquire(key: string, label: string, create: () => T): T;
  get(key: string): T | undefined;
  /** Adds a member to the topic. */
  join(topic: T, member: M): void;
  /** Removes a member; the last one out closes the topic. */
  leave(topic: T, member: M): void;
  /** Publishes on the topic's channel; a failure is logged, never thrown. */
  publish(
    topic: T,
    message: LiveMessage,
    retainMs: number,
    journal?: Parameters<LivePubSub<LiveMessage>['publish']>[3],
  ): void;
  /** Keys of the topics whose reader runs on this instance. */
  readingKeys(): string[];
  stats(): { readers: number; members: number };
  /** Ends every member, closes every topic, waits for their cleanup; leaves the channel to its owner. */
  close(): Promise<void>;
}

const SHUTTING_DOWN = 'The gateway is shutting down; subscribe again.';

/** A fatal reader error as it travels to other instances. */
export function errorMessage(from: string, error: GraphQLError): LiveMessage {
  return { type: 'error', from, error: { message: error.message, extensions: { ...error.extensions } } };
}

/**
 * A member's own copy of a topic's error: errors raised while a subscription streams never pass
 * the gateway's error mapping, so each copy carries its subscriber's request id here.
 */
export function errorFor(error: { message: string; extensions: Record<string, unknown> }, requestId?: string) {
  const extensions = requestId ? { ...error.extensions, requestId } : error.extensions;
  return new GraphQLError(error.message, { extensions });
}

export function createTopicTable<T extends SharedTopic<M>, M>(options: TopicTableOptions<T, M>): TopicTable<T, M> {
  const { instanceId, pubsub, log } = options;
  const topics = new Map<string, T>();
  const leases = new WeakMap<T, LeaseLoop>();
  const readers = new Map<T, UpstreamReader>();
  const unsubscribes = new WeakMap<T, () => Promise<void>>();
  /** Cleanup of a closed topic (lease release, unsubscribe) still running, by key. */
  const cleanups = new Map<string, Promise<void>>();
  let memberCount = 0;
  let closed = false;

  function onChannel(topic: T, message: LiveMessage, retained: boolean): void {
    // This instance's own publications were applied when made; the retained one may be older.
    if (message.from === instanceId && !retained) return;
    options.onMessage(topic, message);
  }

  async function open(topic: T, lease: LeaseLoop): Promise<void> {
    // A closing topic of the same key still holds its lease and retained message: let it finish.
    await cleanups.get(topic.key);
    if (topic.closed) return;
    const subscription = await pubsub.subscribe(topic.key, (message) => onChannel(topic, message, false));
    unsubscribes.set(topic, subscription.unsubscribe);
    if (topic.closed) {
      await subscription.unsubscribe();
      return;
    }
    await options.catchUp?.(topic);
    if (topic.closed) return;
    if (subscription.retained) onChannel(topic, subscription.retained, true);
    if (topic.closed) return;
    await lease.start();
  }

  function startReading(topic: T): void {
    const reader = options.reader(topic);
    readers.set(topic, reader);
    reader.start();
  }

  function stopReading(topic: T): void {
    readers.get(topic)?.stop();
    readers.delete(topic);
  }

  const reading = (topic: T) => readers.get(topic)?.running === true;

  function closeTopic(topic: T): void {
    if (topic.closed) return;
    topic.closed = true;
    if (topics.get(topic.key) === topic) topics.delete(topic.key);
    options.onClose?.(topic);
    const lease = leases.get(topic);
    const wasHolding = lease?.stop() ?? false;
    stopReading(topic);
    const previous = cleanups.get(topic.key);
    const cleanup = (async () => {
      await previous;
      if (wasHolding) {
        // Retained first, lease second: once the lease is free a new holder may retain again.
        await pubsub.clearRetained(topic.key).catch(() => {});
        await lease?.release();
      }
      await unsubscribes
        .get(topic)?.()
        .catch(() => {});
    })().finally(() => {
      if (cleanups.get(topic.key) === cleanup) cleanups.delete(topic.key);
    });
    cleanups.set(topic.key, cleanup);
  }

  return {
    acquire(key, label, create) {
      if (closed) throw gatewayError('UPSTREAM_UNAVAILABLE', SHUTTING_DOWN);
      const existing = topics.get(key);
      if (existing) return existing;
      if (topics.size >= options.maxTopics) throw gatewayError('UPSTREAM_UNAVAILABLE', options.messages.tooMany);
      const topic = create();
      const lease = createLeaseLoop({
        store: options.lease,
        key,
        owner: instanceId,
        ttlMs: options.leaseTtlMs,
        label,
        log,
        onAcquired: () => startReading(topic),
        onLost: () => stopReading(topic),
      });
      leases.set(topic, lease);
      topics.set(key, topic);
      open(topic, lease).catch((error: unknown) => {
        log?.error(`live: cannot open ${options.what} topic`, { error });
        options.onOpenFailed(topic, gatewayError('UPSTREAM_UNAVAILABLE', options.messages.unavailable));
      });
      return topic;
    },
    get: (key) => topics.get(key),
    join(topic, member) {
      topic.members.add(member);
      memberCount++;
    },
    leave(topic, member) {
      if (!topic.members.delete(member)) return;
      memberCount--;
      if (topic.members.size === 0) closeTopic(topic);
    },
    publish(topic, message, retainMs, journal) {
      pubsub
        .publish(topic.key, message, retainMs, journal)
        .catch((error: unknown) => log?.warn(`live: ${options.what} publish failed`, { error }));
    },
    readingKeys() {
      return [...topics.values()].filter(reading).map((topic) => topic.key);
    },
    stats() {
      let running = 0;
      for (const topic of topics.values()) if (reading(topic)) running++;
      return { readers: running, members: memberCount };
    },
    async close() {
      closed = true;
      for (const topic of [...topics.values()]) {
        options.onShutdown(topic);
        closeTopic(topic);
      }
      await Promise.all([...cleanups.values()]);
    },
  };
}
