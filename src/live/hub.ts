/**
 * The live hub: what subscription resolvers call. It serves every watch from shared upstream
 * readers (one status poller per watched resource, one stream relay per streamed job) and owns
 * what those readers share: this instance's id, the channel between instances and the lease store.
 */
import { randomUUID } from 'node:crypto';
import { gatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import { createMemoryLeaseStore, type LeaseStore } from './lease.js';
import { createMemoryPubSub, type LivePubSub } from './pubsub.js';
import { createStatusTopics } from './status-topics.js';
import { createStreamTopics, type StreamTopicsOptions } from './stream-topics.js';
import type {
  LiveMessage,
  StreamBatch,
  StreamItem,
  StreamKind,
  StreamStart,
  WatchedKind,
  WatchedResource,
  Watcher,
} from './types.js';
import type { PollFetch, StreamOpen } from './upstream.js';

export interface LiveHub {
  /**
   * Snapshots of one resource: the current state first (at once), then only visible changes;
   * the iterable ends right after a terminal status. Rejects on first use with the coordinator's
   * error (NOT_FOUND, FORBIDDEN, ...) when the watcher cannot read the resource.
   */
  watch<K extends WatchedKind>(kind: K, id: string, watcher: Watcher): AsyncIterable<WatchedResource[K]>;
  /**
   * A job's log lines or metrics snapshots: first the `tail` (logs) or the latest snapshot
   * (metrics) as one event, possibly empty, then new items as they arrive, in order; ends after the
   * job's terminal state. A watcher that reads too slowly skips ahead and gets the count of what it
   * missed in `dropped`. Rejects on first use with the coordinator's error (NOT_FOUND, FORBIDDEN, ...).
   */
  watchStream<K extends StreamKind>(
    kind: K,
    jobId: string,
    start: StreamStart,
    watcher: Watcher,
  ): AsyncIterable<StreamBatch<StreamItem[K]>>;
  /**
   * The latest items of a job's stream that the gateway already holds for this credential scope
   * (bounded by the stream window; empty when nobody watched it lately). No upstream call.
   */
  recentStream<K extends StreamKind>(kind: K, jobId: string, credentialScope: string): Promise<StreamItem[K][]>;
  /** Active pollers and stream relays (this instance) and their watchers, for /metrics and tests. */
  stats(): LiveStats;
  /** Ends every watch and stops every poller, relay and connection. */
  close(): Promise<void>;
}

export interface LiveStats {
  pollers: number;
  subscribers: number;
  relays: number;
  streamWatchers: number;
}

/** Tuning of the stream relays; every field has a default. */
export type StreamSettings = Pick<
  StreamTopicsOptions,
  | 'window'
  | 'maxTail'
  | 'maxBatch'
  | 'batchMs'
  | 'idleTimeoutMs'
  | 'settleMs'
  | 'reconnect'
  | 'giveUpMs'
  | 'journalTtlMs'
  | 'maxTopics'
>;

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  window: 2000,
  maxTail: 1000,
  maxBatch: 500,
  batchMs: 50,
  // The emulator heartbeats every 10 s; a real coordinator's rhythm is unknown, so allow a few.
  idleTimeoutMs: 45_000,
  settleMs: 50,
  reconnect: { baseMs: 250, maxMs: 15_000 },
  giveUpMs: 300_000,
  journalTtlMs: 600_000,
  maxTopics: 1000,
};

export interface LiveHubOptions {
  /** Reads one resource upstream; `coordinatorPollFetch(client, ...)` in production. */
  fetch: PollFetch;
  /** Opens a job's event stream; `coordinatorStreamOpen(client)` in production. Without it, no streams. */
  open?: StreamOpen;
  streams?: Partial<StreamSettings>;
  pollIntervalMs: number;
  pollMaxIntervalMs: number;
  pollGiveUpMs: number;
  /**
   * Resources one instance polls at once (default 1000): a bound no client can push, like the
   * streams' `maxTopics`. One more watch fails with UPSTREAM_UNAVAILABLE.
   */
  maxPollers?: number;
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
  /** Upstream stream connections opened by this instance's relays since it started. */
  readonly streamConnections: number;
  /** Stream topics (kind:scope:job) this instance currently reads upstream. */
  relayedTopics(): string[];
}

export function createLiveHub(options: LiveHubOptions): PollingLiveHub {
  const instanceId = options.instanceId ?? randomUUID();
  const ownsPubSub = options.pubsub === undefined;
  const pubsub = options.pubsub ?? createMemoryPubSub<LiveMessage>();
  const lease = options.lease ?? createMemoryLeaseStore();
  const leaseTtlMs = options.leaseTtlMs ?? Math.round(options.pollIntervalMs * 1.5);
  const status = createStatusTopics({
    instanceId,
    fetch: options.fetch,
    pollIntervalMs: options.pollIntervalMs,
    pollMaxIntervalMs: options.pollMaxIntervalMs,
    pollGiveUpMs: options.pollGiveUpMs,
    pubsub,
    lease,
    leaseTtlMs,
    maxTopics: options.maxPollers ?? 1000,
    log: options.log,
    random: options.random,
  });
  const open = options.open;
  const streams = open
    ? createStreamTopics({
        ...DEFAULT_STREAM_SETTINGS,
        giveUpMs: options.pollGiveUpMs,
        ...options.streams,
        instanceId,
        open,
        pubsub,
        lease,
        leaseTtlMs,
        log: options.log,
        random: options.random,
      })
    : null;
  return {
    instanceId,
    watch: (kind, id, watcher) => status.watch(kind, id, watcher),
    watchStream(kind, jobId, start, watcher) {
      if (!streams) throw gatewayError('UPSTREAM_UNAVAILABLE', 'Job streams are not configured on this gateway.');
      return streams.watch(kind, jobId, start, watcher);
    },
    recentStream: async (kind, jobId, credentialScope) => (streams ? streams.recent(kind, jobId, credentialScope) : []),
    get polls() {
      return status.polls;
    },
    polledTopics: () => status.polledTopics(),
    get streamConnections() {
      return streams?.connections ?? 0;
    },
    relayedTopics: () => streams?.relayedTopics() ?? [],
    stats() {
      const polling = status.stats();
      const relaying = streams?.stats() ?? { readers: 0, members: 0 };
      return {
        pollers: polling.readers,
        subscribers: polling.members,
        relays: relaying.readers,
        streamWatchers: relaying.members,
      };
    },
    async close() {
      await Promise.all([status.close(), streams?.close()]);
      // A channel passed in may be shared (other hubs in a test, the Redis one owned by main.ts).
      if (ownsPubSub) await pubsub.close();
    },
  };
}
