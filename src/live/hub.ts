/**
 * Live status: the contract between the subscription fields and the pollers behind them.
 * `createLiveHub` (in `pollers.ts`) implements it; resolvers only call `watch`.
 */
import type { Evaluation, TrainingJob } from '../coordinator/domain.js';

export type WatchedKind = 'evaluation' | 'job';

export interface WatchedResource {
  evaluation: Evaluation;
  job: TrainingJob;
}

export interface Watcher {
  /** Full Authorization value; used only to poll on the watcher's behalf, never logged. */
  credential: string;
  /** Digest of the credential: pollers are shared only within one scope. */
  credentialScope: string;
  /** Ends the watch when it fires (client gone, operation cancelled). */
  signal?: AbortSignal;
  /** The subscribing operation's request id, stamped on the errors it receives. */
  requestId?: string;
}

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
