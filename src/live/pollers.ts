/**
 * The live hub: one poller per watched resource, shared by all its subscribers, fanned out
 * through a channel.
 *
 * A resource is a topic keyed by (kind, credential scope, id); scopes never mix, so a watcher only
 * ever sees what its own token could read. Every instance with subscribers on a topic listens on
 * the topic's channel; the one instance holding the topic's lease polls and publishes. With the
 * in-memory channel and lease that instance is always this one; with Redis it is whichever
 * instance won the lease, and another one with subscribers takes over when it stops or dies.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { gatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LiveHub, WatchedKind, WatchedResource, Watcher } from './hub.js';
import { createMemoryLeaseStore, type LeaseStore } from './lease.js';
import { createPoller, type Poller, type PollFetch } from './poller.js';
import { createMemoryPubSub, type LivePubSub } from './pubsub.js';
import type { Snapshot } from './snapshot.js';
import { createPushStream, type PushStream } from './stream.js';

/** What travels on a topic's channel. `from` lets an instance skip its own publications. */
export type LiveMessage =
  | { type: 'snapshot'; from: string; snapshot: Snapshot }
  | { type: 'error'; from: string; error: { message: string; extensions: Record<string, unknown> } };

export interface LiveHubOptions {
  /** Reads one resource upstream; `coordinatorPollFetch(client, ...)` in production. */
  fetch: PollFetch;
  pollIntervalMs: number;
  pollMaxIntervalMs: number;
  pollGiveUpMs: number;
  /** Default: in-process. Pass the Redis one (and a Redis lease store) to spread over instances. */
  pubsub?: LivePubSub<LiveMessage>;
  lease?: LeaseStore;
  /** Default 1.5 × pollIntervalMs: renewed every third of it, so a dead holder is replaced within two intervals. */
  leaseTtlMs?: number;
  instanceId?: string;
  log?: Logger;
  random?: () => number;
}

/** The hub plus what tests and /metrics may want to look at beyond the `LiveHub` contract. */
export interface PollingLiveHub extends LiveHub {
  readonly instanceId: string;
  /** Upstream reads started by this instance's pollers since it started. */
  readonly polls: number;
  /** Topics (kind:scope:id) this instance currently polls. */
  polledTopics(): string[];
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
  holding: boolean;
  poller: Poller | null;
  leaseTimer: ReturnType<typeof setTimeout> | null;
  unsubscribe: (() => Promise<void>) | null;
}

const SHUTTING_DOWN = 'The gateway is shutting down; subscribe again.';

export function createLiveHub(options: LiveHubOptions): PollingLiveHub {
  const instanceId = options.instanceId ?? randomUUID();
  const ownsPubSub = options.pubsub === undefined;
  const pubsub = options.pubsub ?? createMemoryPubSub<LiveMessage>();
  const lease = options.lease ?? createMemoryLeaseStore();
  const leaseTtlMs = options.leaseTtlMs ?? Math.round(options.pollIntervalMs * 1.5);
  const leaseTickMs = Math.max(1, Math.round(leaseTtlMs / 3));
  // Long enough to bridge the longest gap between two polls of a live holder.
  const retainMs = options.pollMaxIntervalMs * 2 + leaseTtlMs;
  const bounds = { baseMs: options.pollIntervalMs, maxMs: options.pollMaxIntervalMs };
  const log = options.log;

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
    else applyError(topic, new GraphQLError(message.error.message, { extensions: message.error.extensions }));
  }

  function publish(topic: Topic, message: LiveMessage): void {
    pubsub
      .publish(topic.key, message, retainMs)
      .catch((error: unknown) => log?.warn('live: publish failed', { error }));
  }

  function startPolling(topic: Topic): void {
    topic.holding = true;
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
    topic.holding = false;
  }

  function scheduleLeaseTick(topic: Topic): void {
    if (topic.closed) return;
    topic.leaseTimer = setTimeout(() => {
      topic.leaseTimer = null;
      void leaseTick(topic);
    }, leaseTickMs);
  }

  /** Holder: renew (or notice the loss). Others: try to take over. */
  async function leaseTick(topic: Topic): Promise<void> {
    if (topic.closed) return;
    if (!topic.holding) return contend(topic);
    let kept = false;
    try {
      kept = await lease.renew(topic.key, instanceId, leaseTtlMs);
    } catch (error) {
      // Redis is unreachable: keep polling. Two instances polling for a while costs a few calls;
      // nobody polling would freeze every subscriber with no end.
      kept = true;
      log?.warn('live: lease renewal failed; polling on without a lease', { error });
    }
    if (topic.closed) return;
    if (!kept) {
      log?.info('live: lease lost, another instance polls', { topic: topic.kind });
      stopPolling(topic);
    }
    scheduleLeaseTick(topic);
  }

  async function contend(topic: Topic): Promise<void> {
    let won = false;
    try {
      won = await lease.acquire(topic.key, instanceId, leaseTtlMs);
    } catch (error) {
      // Same trade as on renewal: without Redis, serve this instance's subscribers by polling here.
      won = true;
      log?.warn('live: lease acquisition failed; polling without a lease', { error });
    }
    if (topic.closed) {
      if (won) await lease.release(topic.key, instanceId).catch(() => {});
      return;
    }
    if (won && !topic.holding) startPolling(topic);
    scheduleLeaseTick(topic);
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
    await contend(topic);
  }

  function closeTopic(topic: Topic): void {
    if (topic.closed) return;
    topic.closed = true;
    if (topics.get(topic.key) === topic) topics.delete(topic.key);
    if (topic.leaseTimer) clearTimeout(topic.leaseTimer);
    topic.leaseTimer = null;
    const wasHolding = topic.holding;
    stopPolling(topic);
    const previous = cleanups.get(topic.key);
    const cleanup = (async () => {
      await previous;
      if (wasHolding) {
        // Retained first, lease second: once the lease is free a new holder may retain again.
        await pubsub.clearRetained(topic.key).catch(() => {});
        await lease.release(topic.key, instanceId).catch(() => {});
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
        holding: false,
        poller: null,
        leaseTimer: null,
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
    instanceId,
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
      // A channel passed in may be shared (other hubs in a test, the Redis one owned by main.ts).
      if (ownsPubSub) await pubsub.close();
    },
  };
}
