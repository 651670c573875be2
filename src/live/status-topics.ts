/**
 * Status topics: one poller per watched resource, shared by all its subscribers, fanned out
 * through a channel.
 *
 * A resource is a topic keyed by (kind, credential scope, id); scopes never mix, so a watcher only
 * ever sees what its own token could read. Every instance with subscribers on a topic listens on
 * the topic's channel; the one instance holding the topic's lease polls and publishes. With the
 * in-memory channel and lease that instance is always this one; with Redis it is whichever
 * instance won the lease, and another one with subscribers takes over when it stops or dies.
 */
import type { GraphQLError } from 'graphql';
import type { Logger } from '../log.js';
import type { LiveHub } from './hub.js';
import type { LeaseStore } from './lease.js';
import { createPoller, type Poller } from './poller.js';
import type { LivePubSub } from './pubsub.js';
import { createPushStream, type PushStream } from './push-stream.js';
import { createTopicTable, errorFor, errorMessage, type SharedTopic } from './topic-table.js';
import type { LiveMessage, Snapshot, WatchedKind, WatchedResource, Watcher } from './types.js';
import type { PollFetch } from './upstream.js';

export interface StatusTopicsOptions {
  instanceId: string;
  fetch: PollFetch;
  pollIntervalMs: number;
  pollMaxIntervalMs: number;
  pollGiveUpMs: number;
  pubsub: LivePubSub<LiveMessage>;
  lease: LeaseStore;
  leaseTtlMs: number;
  /** Resources polled at once by this instance; one more watch fails with UPSTREAM_UNAVAILABLE. */
  maxTopics: number;
  log?: Logger;
  random?: () => number;
}

export interface StatusTopics {
  /** What `LiveHub.watch` serves. */
  watch: LiveHub['watch'];
  /** Upstream reads started by this instance's pollers. */
  readonly polls: number;
  /** Topics (kind:scope:id) this instance currently polls. */
  polledTopics(): string[];
  /** Running pollers and their subscribers on this instance. */
  stats(): { readers: number; members: number };
  /** Ends every watch, stops every poller, releases leases; leaves the channel to its owner. */
  close(): Promise<void>;
}

interface Subscriber {
  stream: PushStream<WatchedResource[WatchedKind]>;
  lastFingerprint: string | null;
  requestId: string | undefined;
}

interface Topic extends SharedTopic<Subscriber> {
  kind: WatchedKind;
  id: string;
  credential: string;
  latest: Snapshot | null;
}

export function createStatusTopics(options: StatusTopicsOptions): StatusTopics {
  const { instanceId, pubsub, leaseTtlMs, log } = options;
  // Long enough to bridge the longest gap between two polls of a live holder.
  const retainMs = options.pollMaxIntervalMs * 2 + leaseTtlMs;
  const bounds = { baseMs: options.pollIntervalMs, maxMs: options.pollMaxIntervalMs };
  let polls = 0;

  const table = createTopicTable<Topic, Subscriber>({
    instanceId,
    pubsub,
    lease: options.lease,
    leaseTtlMs,
    maxTopics: options.maxTopics,
    what: 'status',
    messages: {
      tooMany: 'Too many resources are watched on this gateway; try again later.',
      unavailable: 'Live status is unavailable right now; subscribe again.',
    },
    log,
    reader: pollerOf,
    onMessage(topic, message) {
      if (message.type === 'snapshot') applySnapshot(topic, message.snapshot);
      else if (message.type === 'error') applyError(topic, message.error);
    },
    onOpenFailed: applyError,
    onShutdown(topic) {
      for (const subscriber of [...topic.members]) subscriber.stream.end();
    },
  });

  function deliver(subscriber: Subscriber, snapshot: Snapshot): void {
    if (subscriber.lastFingerprint === snapshot.fingerprint) return;
    subscriber.lastFingerprint = snapshot.fingerprint;
    subscriber.stream.push(snapshot.value);
    if (snapshot.terminal) subscriber.stream.end();
  }

  function applySnapshot(topic: Topic, snapshot: Snapshot): void {
    if (topic.closed || topic.latest?.fingerprint === snapshot.fingerprint) return;
    topic.latest = snapshot;
    for (const subscriber of [...topic.members]) deliver(subscriber, snapshot);
  }

  function applyError(topic: Topic, error: Pick<GraphQLError, 'message' | 'extensions'>): void {
    for (const subscriber of [...topic.members]) subscriber.stream.fail(errorFor(error, subscriber.requestId));
  }

  function pollerOf(topic: Topic): Poller {
    return createPoller({
      kind: topic.kind,
      bounds,
      giveUpMs: options.pollGiveUpMs,
      random: options.random,
      fetch: (signal) => {
        polls++;
        return options.fetch(topic.kind, topic.id, topic.credential, signal);
      },
      onPoll: (snapshot) => {
        // Publish before delivering locally: a terminal snapshot closes the topic, and its cleanup
        // (clearing the retained message) must reach the channel after the publication.
        const message: LiveMessage = { type: 'snapshot', from: instanceId, snapshot };
        if (topic.latest?.fingerprint !== snapshot.fingerprint) table.publish(topic, message, retainMs);
        else pubsub.retain(topic.key, message, retainMs).catch(() => {});
        applySnapshot(topic, snapshot);
      },
      onFatal: (error) => {
        table.publish(topic, errorMessage(instanceId, error), retainMs);
        applyError(topic, error);
      },
      onFailure: (error, failures) => log?.debug('live: poll failed', { topic: topic.kind, failures, error }),
    });
  }

  function watch<K extends WatchedKind>(kind: K, id: string, watcher: Watcher): AsyncIterable<WatchedResource[K]> {
    // The scope is a digest: the credential itself never becomes part of a key.
    const key = `${kind}:${watcher.credentialScope}:${id}`;
    const topic = table.acquire(key, `status of ${kind}`, () => ({
      key,
      kind,
      id,
      credential: watcher.credential,
      members: new Set(),
      latest: null,
      closed: false,
    }));
    const signal = watcher.signal;
    const onAbort = () => subscriber.stream.return?.();
    const subscriber: Subscriber = {
      lastFingerprint: null,
      requestId: watcher.requestId,
      stream: createPushStream(() => {
        signal?.removeEventListener('abort', onAbort);
        table.leave(topic, subscriber);
      }),
    };
    table.join(topic, subscriber);
    if (topic.latest) deliver(subscriber, topic.latest);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return subscriber.stream as AsyncIterable<WatchedResource[K]>;
  }

  return {
    watch,
    get polls() {
      return polls;
    },
    polledTopics: () => table.readingKeys(),
    stats: () => table.stats(),
    close: () => table.close(),
  };
}
