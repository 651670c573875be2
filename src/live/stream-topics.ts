/**
 * Stream topics: one upstream event stream per (kind, credential scope, job), shared by all its
 * watchers, fanned out through a channel.
 *
 * The instance holding the topic's lease runs the relay and publishes every batch it reads (and
 * appends it to the topic's journal); every instance with watchers keeps a window of the latest
 * items. A watcher is a cursor into that window, not a queue: fan-out costs one wake-up per
 * watcher, a slow watcher holds no memory of its own, and one that falls behind the window skips
 * ahead and is told how many items it missed. Items are ordered and deduplicated by their upstream
 * sequence, so a lease hand-over (two holders for a moment) or a reconnect never repeats one.
 */
import type { GraphQLError } from 'graphql';
import type { Logger } from '../log.js';
import type { LiveHub } from './hub.js';
import type { LeaseStore } from './lease.js';
import type { LivePubSub } from './pubsub.js';
import { createRelay, isNewer, type Relay } from './relay.js';
import { createTopicTable, errorFor, errorMessage, type SharedTopic } from './topic-table.js';
import type { LiveMessage, StreamBatch, StreamItem, StreamKind, StreamStart, Watcher } from './types.js';
import type { StreamOpen } from './upstream.js';

export interface StreamTopicsOptions {
  instanceId: string;
  open: StreamOpen;
  pubsub: LivePubSub<LiveMessage>;
  lease: LeaseStore;
  leaseTtlMs: number;
  /** Items each instance keeps per topic: the longest tail, and how far a slow watcher may lag. */
  window: number;
  /** Longest `tail` a watcher may ask for (at most `window`). */
  maxTail: number;
  /** Most items in one event to a watcher (a watcher far behind gets several events). */
  maxBatch: number;
  /** New items are handed to watchers at most this often (ms): one event per watcher per wake. */
  batchMs: number;
  /** Silence after which an upstream stream counts as dropped. */
  idleTimeoutMs: number;
  /** Quiet after a burst that marks the end of a backlog shorter than asked for (see the relay). */
  settleMs: number;
  reconnect: { baseMs: number; maxMs: number };
  giveUpMs: number;
  /** How long a topic's journal outlives its latest append (Redis). */
  journalTtlMs: number;
  /** Topics open at once on this instance; one more watch fails with UPSTREAM_UNAVAILABLE. */
  maxTopics: number;
  log?: Logger;
  random?: () => number;
}

export interface StreamTopics {
  /** What `LiveHub.watchStream` serves. */
  watch: LiveHub['watchStream'];
  /**
   * What the gateway holds of a job's stream for one credential scope, without any upstream call:
   * this instance's window while the stream is watched here, else the shared journal (which
   * outlives the last watcher by `journalTtlMs`).
   */
  recent: LiveHub['recentStream'];
  /** Upstream connections opened by this instance's relays so far. */
  readonly connections: number;
  /** Topics (kind:scope:job) this instance currently reads upstream. */
  relayedTopics(): string[];
  /** Running relays and their watchers on this instance. */
  stats(): { readers: number; members: number };
  close(): Promise<void>;
}

type Item = StreamItem[StreamKind];

interface Cursor {
  /** Absolute index of the next item to deliver. */
  next: number;
  dropped: number;
  /** The first event (the tail, possibly empty) has not been sent yet. */
  fresh: boolean;
  requestId: string | undefined;
  wake: (() => void) | null;
  ended: boolean;
}

interface Topic extends SharedTopic<Cursor> {
  kind: StreamKind;
  jobId: string;
  credential: string;
  /** The latest items; `window[0]` has absolute index `base`. */
  window: Item[];
  base: number;
  lastSequence: string | null;
  /** Watchers may get their first event: the window holds what upstream had when we connected. */
  ready: boolean;
  done: boolean;
  error: Pick<GraphQLError, 'message' | 'extensions'> | null;
  wakeTimer: ReturnType<typeof setTimeout> | null;
}

export function createStreamTopics(options: StreamTopicsOptions): StreamTopics {
  const { instanceId, pubsub, log } = options;
  // Retained markers ("a reader is connected", "done") live as long as the holder's lease could.
  const retainMs = options.leaseTtlMs * 2 + options.idleTimeoutMs;
  let connections = 0;

  const table = createTopicTable<Topic, Cursor>({
    instanceId,
    pubsub,
    lease: options.lease,
    leaseTtlMs: options.leaseTtlMs,
    maxTopics: options.maxTopics,
    what: 'stream',
    messages: {
      tooMany: 'Too many job streams are open on this gateway; try again later.',
      unavailable: 'Live streams are unavailable right now; subscribe again.',
    },
    log,
    reader: relayOf,
    onMessage,
    catchUp,
    onOpenFailed: onError,
    onClose(topic) {
      if (topic.wakeTimer) clearTimeout(topic.wakeTimer);
      topic.wakeTimer = null;
    },
    onShutdown(topic) {
      topic.done = true;
      topic.ready = true;
      wakeAll(topic);
    },
  });

  const head = (topic: Topic) => topic.base + topic.window.length;

  function wakeAll(topic: Topic): void {
    for (const cursor of topic.members) {
      const wake = cursor.wake;
      cursor.wake = null;
      wake?.();
    }
  }

  function scheduleWake(topic: Topic): void {
    if (topic.wakeTimer !== null || topic.closed) return;
    topic.wakeTimer = setTimeout(() => {
      topic.wakeTimer = null;
      wakeAll(topic);
    }, options.batchMs);
  }

  /** Appends what is newer than anything held; returns how many items were new. */
  function append(topic: Topic, items: readonly Item[]): number {
    let added = 0;
    for (const item of items) {
      if (item.sequence !== null) {
        if (!isNewer(item.sequence, topic.lastSequence)) continue;
        topic.lastSequence = item.sequence;
      }
      topic.window.push(item);
      added++;
    }
    // Trim in steps of a quarter window, so trimming costs O(1) per item on average.
    const excess = topic.window.length - options.window;
    if (excess > options.window / 4) {
      topic.window.splice(0, excess);
      topic.base += excess;
    }
    return added;
  }

  function markReady(topic: Topic): void {
    if (topic.ready) return;
    topic.ready = true;
    wakeAll(topic);
  }

  function onItems(topic: Topic, items: readonly Item[]): void {
    if (topic.closed) return;
    // Before the backlog is complete nobody may take a tail yet; the items only fill the window.
    if (append(topic, items) > 0 && topic.ready) scheduleWake(topic);
  }

  function onDone(topic: Topic): void {
    if (topic.closed || topic.done) return;
    topic.done = true;
    topic.ready = true;
    wakeAll(topic);
  }

  function onError(topic: Topic, error: Pick<GraphQLError, 'message' | 'extensions'>): void {
    if (topic.closed || topic.error) return;
    topic.error = error;
    topic.ready = true;
    wakeAll(topic);
  }

  function onMessage(topic: Topic, message: LiveMessage): void {
    switch (message.type) {
      case 'items':
        // Published only once the holder's backlog was complete: whatever it carries is ready.
        onItems(topic, message.items as Item[]);
        markReady(topic);
        return;
      case 'done':
        onDone(topic);
        return;
      case 'error':
        onError(topic, message.error);
        return;
      case 'snapshot':
        return;
    }
  }

  function publish(topic: Topic, message: LiveMessage, entries?: readonly Item[]): void {
    const journal = entries?.length ? { entries, maxEntries: options.window, ttlMs: options.journalTtlMs } : undefined;
    table.publish(topic, message, retainMs, journal);
  }

  function relayOf(topic: Topic): Relay {
    return createRelay<Item>({
      open: (position, signal) => {
        connections++;
        return options.open(topic.kind, topic.jobId, topic.credential, position, signal);
      },
      since: topic.lastSequence,
      tail: topic.kind === 'logs' ? options.maxTail : 1,
      idleTimeoutMs: options.idleTimeoutMs,
      backoff: options.reconnect,
      giveUpMs: options.giveUpMs,
      random: options.random,
      settleMs: options.settleMs,
      onCaughtUp: () => {
        if (topic.ready) return;
        // The backlog read so far goes out as one publication: other instances get it complete.
        const backlog = topic.window.slice();
        publish(topic, { type: 'items', from: instanceId, items: backlog }, backlog);
        markReady(topic);
      },
      onItems: (items) => {
        onItems(topic, items);
        // Publish live items at once; a backlog still arriving goes out whole when caught up.
        if (topic.ready) publish(topic, { type: 'items', from: instanceId, items }, items);
      },
      onDone: () => {
        publish(topic, { type: 'done', from: instanceId });
        onDone(topic);
      },
      onFatal: (error) => {
        publish(topic, errorMessage(instanceId, error));
        onError(topic, error);
      },
      onFailure: (error, failures) => log?.debug('live: stream read failed', { stream: topic.kind, failures, error }),
    });
  }

  /** What other instances (or this one, earlier) already read: the tail, and where to resume. */
  async function catchUp(topic: Topic): Promise<void> {
    const journal = (await pubsub.journal(topic.key)) as Item[];
    if (topic.closed) return;
    // Items that arrived on the channel meanwhile are newer; keep them after the journal's.
    const arrived = topic.window.splice(0);
    const lastArrived = topic.lastSequence;
    topic.lastSequence = null;
    append(topic, journal);
    append(topic, arrived);
    if (lastArrived !== null && isNewer(lastArrived, topic.lastSequence)) topic.lastSequence = lastArrived;
  }

  function topicFor(kind: StreamKind, jobId: string, watcher: Watcher): Topic {
    // The scope is a digest: the credential itself never becomes part of a key.
    const key = `${kind}:${watcher.credentialScope}:${jobId}`;
    return table.acquire(key, `${kind} stream`, () => ({
      key,
      kind,
      jobId,
      credential: watcher.credential,
      window: [],
      base: 0,
      lastSequence: null,
      ready: false,
      done: false,
      error: null,
      members: new Set(),
      wakeTimer: null,
      closed: false,
    }));
  }

  /** Where a new cursor starts: after `since`, else the last `tail` items (metrics: the latest one). */
  function startIndex(topic: Topic, kind: StreamKind, start: StreamStart): number {
    if (start.since !== null) {
      const at = topic.window.findIndex((item) => item.sequence !== null && isNewer(item.sequence, start.since));
      return at < 0 ? head(topic) : topic.base + at;
    }
    const tail = kind === 'logs' ? Math.min(start.tail, options.maxTail) : 1;
    return Math.max(topic.base, head(topic) - tail);
  }

  function watch<K extends StreamKind>(
    kind: K,
    jobId: string,
    start: StreamStart,
    watcher: Watcher,
  ): AsyncIterable<StreamBatch<StreamItem[K]>> {
    const topic = topicFor(kind, jobId, watcher);
    const cursor: Cursor = {
      next: -1,
      dropped: 0,
      fresh: true,
      requestId: watcher.requestId,
      wake: null,
      ended: false,
    };
    table.join(topic, cursor);
    const signal = watcher.signal;

    const finish = () => {
      if (cursor.ended) return;
      cursor.ended = true;
      signal?.removeEventListener('abort', onAbort);
      table.leave(topic, cursor);
      const wake = cursor.wake;
      cursor.wake = null;
      wake?.();
    };
    const onAbort = () => finish();

    const take = (): StreamBatch<StreamItem[K]> | null => {
      if (!topic.ready) return null;
      if (cursor.next < 0) cursor.next = startIndex(topic, kind, start);
      // A stream that failed before anything arrived has no first event, only its error.
      if (topic.error && head(topic) <= cursor.next) return null;
      if (cursor.next < topic.base) {
        cursor.dropped += topic.base - cursor.next;
        cursor.next = topic.base;
      }
      const available = head(topic) - cursor.next;
      if (available <= 0 && !cursor.fresh) return null;
      const from = cursor.next - topic.base;
      const items = topic.window.slice(from, from + Math.min(available, options.maxBatch));
      cursor.next += items.length;
      cursor.fresh = false;
      const batch = { items: items as StreamItem[K][], dropped: cursor.dropped };
      cursor.dropped = 0;
      return batch;
    };

    const next = async (): Promise<IteratorResult<StreamBatch<StreamItem[K]>>> => {
      for (;;) {
        if (cursor.ended) return { value: undefined, done: true };
        const batch = take();
        if (batch) return { value: batch, done: false };
        if (topic.ready && (topic.done || topic.error || topic.closed)) {
          const error = topic.error;
          finish();
          // Errors met while a subscription streams never pass the gateway's error mapping, so
          // each watcher's copy carries its own request id (errorFor).
          if (error) throw errorFor(error, cursor.requestId);
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => {
          cursor.wake = resolve;
        });
      }
    };

    const iterator: AsyncIterableIterator<StreamBatch<StreamItem[K]>> = {
      next,
      return: async () => {
        finish();
        return { value: undefined, done: true };
      },
      throw: async (error: unknown) => {
        finish();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    if (signal?.aborted) finish();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return iterator;
  }

  return {
    watch,
    async recent<K extends StreamKind>(kind: K, jobId: string, credentialScope: string) {
      const key = `${kind}:${credentialScope}:${jobId}`;
      const topic = table.get(key);
      if (topic?.ready) return [...topic.window] as StreamItem[K][];
      return (await pubsub.journal(key)) as StreamItem[K][];
    },
    get connections() {
      return connections;
    },
    relayedTopics: () => table.readingKeys(),
    stats: () => table.stats(),
    close: () => table.close(),
  };
}
