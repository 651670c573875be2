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
import { GraphQLError } from 'graphql';
import { gatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LeaseStore } from './lease.js';
import { createLeaseLoop, type LeaseLoop } from './lease-loop.js';
import { createPoller, type Poller } from './poller.js';
import type { LivePubSub } from './pubsub.js';
import { createPushStream, type PushStream } from './push-stream.js';
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
  log?: Logger;
  random?: () => number;
}

export interface StatusTopics {
  watch<K extends WatchedKind>(kind: K, id: string, watcher: Watcher): AsyncIterable<WatchedResource[K]>;
  /** Upstream reads started by this instance's pollers. */
  readonly polls: number;
  /** Topics (kind:scope:id) this instance currently polls. */
  polledTopics(): string[];
  stats(): { pollers: number; subscribers: number };
  /** Ends every watch, stops every poller, releases leases; leaves the channel to its owner. */
  close(): Promise<void>;
}

interface Subscriber {
  stream: PushStream<WatchedResource[WatchedKind]>;
  lastFingerprint: string | null;
  requestId: string | undefined;
}

interface Topic {
  key: string;
  kind: WatchedKind;
  id: string;
  credential: string;
  subscribers: Set<Subscriber>;
  latest: Snapshot | null;
  closed: boolean;
  poller: Poller | null;
  lease: LeaseLoop;
  unsubscribe: (() => Promise<void>) | null;
}

const SHUTTING_DOWN = 'The gateway is shutting down; subscribe again.';

export function createStatusTopics(options: StatusTopicsOptions): StatusTopics {
  const { instanceId, pubsub, leaseTtlMs, log } = options;
  // Long enough to bridge the longest gap between two polls of a live holder.
  const retainMs = options.pollMaxIntervalMs * 2 + leaseTtlMs;
  const bounds = { baseMs: options.pollIntervalMs, maxMs: options.pollMaxIntervalMs };

  const topics = new Map<string, Topic>();
  /** Cleanup of a closed topic (lease release, unsubscribe) still running, by key. */
  const cleanups = new Map<string, Promise<void>>();
  let subscriberCount = 0;
  let polls = 0;
  let closed = false;

  function deliver(subscriber: Subscriber, snapshot: Snapshot): void {
    if (subscriber.lastFingerprint === snapshot.fingerprint) return;
    subscriber.lastFingerprint = snapshot.fingerprint;
    subscriber.stream.push(snapshot.value);
    if (snapshot.terminal) subscriber.stream.end();
  }

  function applySnapshot(topic: Topic, snapshot: Snapshot): void {
    if (topic.closed || topic.latest?.fingerprint === snapshot.fingerprint) return;
    topic.latest = snapshot;
    for (const subscriber of [...topic.subscribers]) deliver(subscriber, snapshot);
  }

  function applyError(topic: Topic, error: GraphQLError): void {
    for (const subscriber of [...topic.subscribers]) {
      // Errors raised while a subscription streams never pass the gateway's error mapping, so each
      // subscriber's copy carries its own request id here.
      const extensions = subscriber.requestId
        ? { ...error.extensions, requestId: subscriber.requestId }
        : error.extensions;
      subscriber.stream.fail(new GraphQLError(error.message, { extensions }));
    }
  }

  function onMessage(topic: Topic, message: LiveMessage, retained = false): void {
    if (message.from === instanceId && !retained) return;
    if (message.type === 'snapshot') applySnapshot(topic, message.snapshot);
    else if (message.type === 'error') {
      applyError(topic, new GraphQLError(message.error.message, { extensions: message.error.extensions }));
    }
  }

  function publish(topic: Topic, message: LiveMessage): void {
    pubsub
      .publish(topic.key, message, retainMs)
      .catch((error: unknown) => log?.warn('live: publish failed', { error }));
  }

  function startPolling(topic: Topic): void {
    const poller = createPoller({
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
        if (topic.latest?.fingerprint !== snapshot.fingerprint) publish(topic, message);
        else pubsub.retain(topic.key, message, retainMs).catch(() => {});
        applySnapshot(topic, snapshot);
      },
      onFatal: (error) => {
        publish(topic, {
          type: 'error',
          from: instanceId,
          error: { message: error.message, extensions: { ...error.extensions } },
        });
        applyError(topic, error);
      },
      onFailure: (error, failures) => log?.debug('live: poll failed', { topic: topic.kind, failures, error }),
    });
    topic.poller = poller;
    poller.start();
  }

  function stopPolling(topic: Topic): void {
    topic.poller?.stop();
    topic.poller = null;
  }

  async function open(topic: Topic): Promise<void> {
    // A closing topic of the same key still holds its lease and retained message: let it finish.
    await cleanups.get(topic.key);
    if (topic.closed) return;
    const subscription = await pubsub.subscribe(topic.key, (message) => onMessage(topic, message));
    topic.unsubscribe = subscription.unsubscribe;
    if (topic.closed) {
      await subscription.unsubscribe();
      return;
    }
    if (subscription.retained) onMessage(topic, subscription.retained, true);
    if (topic.closed) return;
    await topic.lease.start();
  }

  function closeTopic(topic: Topic): void {
    if (topic.closed) return;
    topic.closed = true;
    if (topics.get(topic.key) === topic) topics.delete(topic.key);
    const wasHolding = topic.lease.stop();
    stopPolling(topic);
    const previous = cleanups.get(topic.key);
    const cleanup = (async () => {
      await previous;
      if (wasHolding) {
        // Retained first, lease second: once the lease is free a new holder may retain again.
        await pubsub.clearRetained(topic.key).catch(() => {});
        await topic.lease.release();
      }
      await topic.unsubscribe?.().catch(() => {});
    })().finally(() => {
      if (cleanups.get(topic.key) === cleanup) cleanups.delete(topic.key);
    });
    cleanups.set(topic.key, cleanup);
  }

  function leave(topic: Topic, subscriber: Subscriber): void {
    if (!topic.subscribers.delete(subscriber)) return;
    subscriberCount--;
    if (topic.subscribers.size === 0) closeTopic(topic);
  }

  function watch<K extends WatchedKind>(kind: K, id: string, watcher: Watcher): AsyncIterable<WatchedResource[K]> {
    if (closed) throw gatewayError('UPSTREAM_UNAVAILABLE', SHUTTING_DOWN);
    // The scope is a digest: the credential itself never becomes part of a key.
    const key = `${kind}:${watcher.credentialScope}:${id}`;
    let topic = topics.get(key);
    if (!topic) {
      const fresh: Topic = {
        key,
        kind,
        id,
        credential: watcher.credential,
        subscribers: new Set(),
        latest: null,
        closed: false,
        poller: null,
        lease: createLeaseLoop({
          store: options.lease,
          key,
          owner: instanceId,
          ttlMs: leaseTtlMs,
          label: `status of ${kind}`,
          log,
          onAcquired: () => startPolling(fresh),
          onLost: () => stopPolling(fresh),
        }),
        unsubscribe: null,
      };
      topic = fresh;
      topics.set(key, fresh);
      open(fresh).catch((error: unknown) => {
        log?.error('live: cannot open topic', { error });
        applyError(
          fresh,
          gatewayError('UPSTREAM_UNAVAILABLE', 'Live status is unavailable right now; subscribe again.'),
        );
      });
    }
    const owner = topic;
    const signal = watcher.signal;
    const onAbort = () => subscriber.stream.return?.();
    const subscriber: Subscriber = {
      lastFingerprint: null,
      requestId: watcher.requestId,
      stream: createPushStream(() => {
        signal?.removeEventListener('abort', onAbort);
        leave(owner, subscriber);
      }),
    };
    owner.subscribers.add(subscriber);
    subscriberCount++;
    if (owner.latest) deliver(subscriber, owner.latest);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return subscriber.stream as AsyncIterable<WatchedResource[K]>;
  }

  return {
    watch,
    get polls() {
      return polls;
    },
    polledTopics() {
      return [...topics.values()].filter((topic) => topic.poller?.running).map((topic) => topic.key);
    },
    stats() {
      let pollers = 0;
      for (const topic of topics.values()) if (topic.poller?.running) pollers++;
      return { pollers, subscribers: subscriberCount };
    },
    async close() {
      closed = true;
      for (const topic of [...topics.values()]) {
        for (const subscriber of [...topic.subscribers]) subscriber.stream.end();
        closeTopic(topic);
      }
      await Promise.all([...cleanups.values()]);
    },
  };
}
