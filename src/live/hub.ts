/**
 * The live hub: what subscription resolvers call. It serves every watch from shared upstream
 * readers (one status poller per watched resource) and owns what those readers share: this
 * instance's id, the channel between instances and the lease store.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import { createMemoryLeaseStore, type LeaseStore } from './lease.js';
import { createMemoryPubSub, type LivePubSub } from './pubsub.js';
import { createStatusTopics } from './status-topics.js';
import type { LiveMessage, WatchedKind, WatchedResource, Watcher } from './types.js';
import type { PollFetch } from './upstream.js';

export interface LiveHub {
  /**
   * Snapshots of one resource: the current state first (at once), then only visible changes;
   * the iterable ends right after a terminal status. Rejects on first use with the coordinator's
   * error (NOT_FOUND, FORBIDDEN, ...) when the watcher cannot read the resource.
   */
  watch<K extends WatchedKind>(kind: K, id: string, watcher: Watcher): AsyncIterable<WatchedResource[K]>;
  /** Active pollers (this instance) and subscribers, for /metrics and tests. */
  stats(): { pollers: number; subscribers: number };
  /** Ends every watch and stops every poller and connection. */
  close(): Promise<void>;
}

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

export function createLiveHub(options: LiveHubOptions): PollingLiveHub {
  const instanceId = options.instanceId ?? randomUUID();
  const ownsPubSub = options.pubsub === undefined;
  const pubsub = options.pubsub ?? createMemoryPubSub<LiveMessage>();
  const status = createStatusTopics({
    instanceId,
    fetch: options.fetch,
    pollIntervalMs: options.pollIntervalMs,
    pollMaxIntervalMs: options.pollMaxIntervalMs,
    pollGiveUpMs: options.pollGiveUpMs,
    pubsub,
    lease: options.lease ?? createMemoryLeaseStore(),
    leaseTtlMs: options.leaseTtlMs ?? Math.round(options.pollIntervalMs * 1.5),
    log: options.log,
    random: options.random,
  });
  return {
    instanceId,
    watch: (kind, id, watcher) => status.watch(kind, id, watcher),
    get polls() {
      return status.polls;
    },
    polledTopics: () => status.polledTopics(),
    stats: () => status.stats(),
    async close() {
      await status.close();
      // A channel passed in may be shared (other hubs in a test, the Redis one owned by main.ts).
      if (ownsPubSub) await pubsub.close();
    },
  };
}
