/**
 * The live layer's vocabulary, shared by the hub and the readers behind it: what can be watched,
 * on whose behalf, and what travels on a topic's channel between instances.
 */
import type { Evaluation, LogLine, MetricsSnapshot, TrainingJob } from '../coordinator/domain.js';

export type WatchedKind = 'evaluation' | 'job';

export interface WatchedResource {
  evaluation: Evaluation;
  job: TrainingJob;
}

export interface Watcher {
  /** Full Authorization value; used only to read upstream on the watcher's behalf, never logged. */
  credential: string;
  /** Digest of the credential: upstream readers are shared only within one scope. */
  credentialScope: string;
  /** Ends the watch when it fires (client gone, operation cancelled). */
  signal?: AbortSignal;
  /** The subscribing operation's request id, stamped on the errors it receives. */
  requestId?: string;
}

/** One observed state of a resource, as it travels between poller, channel and subscribers. */
export interface Snapshot<K extends WatchedKind = WatchedKind> {
  /** Digest of the client-visible fields: "did it change?" without comparing whole objects. */
  fingerprint: string;
  terminal: boolean;
  value: WatchedResource[K];
}

/** The event streams of a training job. */
export type StreamKind = 'logs' | 'metrics';

export interface StreamItem {
  logs: LogLine;
  metrics: MetricsSnapshot;
}

/** Where a stream watch starts. */
export interface StreamStart {
  /** Logs: how many of the latest lines come first (metrics always start with the latest snapshot). */
  tail: number;
  /** Resume after this sequence instead (within what the gateway still holds). */
  since: string | null;
}

/**
 * What a stream watcher receives per event: the items since its previous event, in order, and
 * how many it missed right before them because it read too slowly (0 normally).
 */
export interface StreamBatch<T> {
  items: T[];
  dropped: number;
}

/** An error as it crosses the channel (a GraphQLError does not survive JSON). */
export interface WireError {
  message: string;
  extensions: Record<string, unknown>;
}

/** What travels on a topic's channel. `from` lets an instance skip its own publications. */
export type LiveMessage =
  | { type: 'snapshot'; from: string; snapshot: Snapshot }
  | { type: 'error'; from: string; error: WireError }
  /** Stream items read upstream (in order; possibly none: "the reader is connected"). */
  | { type: 'items'; from: string; items: unknown[] }
  /** The job is terminal: the stream is over. */
  | { type: 'done'; from: string };
