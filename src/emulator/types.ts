/** Public types of the emulator's in-process API (see src/emulator/SPEC.md). */
import type { Drift, DriftProfileName } from './drift.js';

export type { Drift, DriftProfileName } from './drift.js';

/** How evaluation results are nested on the wire, one per coordinator version. */
export type ResultShape = 'list' | 'map' | 'legacy';

export const RESULT_SHAPES: readonly ResultShape[] = ['list', 'map', 'legacy'];

export interface EmulatorOptions {
  /** Default 0 (a random free port). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Simulated ms per real ms; 0 freezes the clock (tests advance it explicitly). Default 1. */
  speed?: number;
  /** Default 'list'; overrides the profile's result shape when both are given. */
  resultShape?: ResultShape;
  /**
   * Which tolerated variant of the coordinator's replies to play: a profile name (`contract`, the
   * default; one per variant; `everything`) or any mix of variants over the contract.
   */
  profile?: DriftProfileName | Partial<Drift>;
  /** Per API key, sliding 60 s window; null (default) = never 429, nominal limit 100000 in the headers. */
  rateLimitPerMinute?: number | null;
  /** Training jobs in the demo tenant `acme` (default 36, at least 30). */
  seedJobs?: number;
  /** Added to every ScaiMind reply (default 0). */
  latencyMs?: number;
  /** Seeds the PRNG used by probabilistic faults (default fixed). */
  randomSeed?: number;
  /** Real ms of silence after which an open event stream sends a `:` heartbeat (default 10000). */
  streamHeartbeatMs?: number;
}

export type FaultKind = 'status' | 'latency' | 'reset' | 'malformed' | 'hang';

export interface FaultSpec {
  /** 'GET /jobs/{job_id}', or 'GET *', 'POST *', '*'. */
  route: string;
  kind: FaultKind;
  /** For 'status' (default 503); the body is the ScaiGrid error envelope. */
  status?: number;
  /** error.code for 'status' (default derived from the status). */
  code?: string;
  /** Seconds; sets error.retry_after and the Retry-After header. */
  retryAfter?: number;
  /** For 'latency'. */
  latencyMs?: number;
  /** 0..1, default 1. */
  probability?: number;
  /** Only the next N matching calls; default unlimited. */
  count?: number;
  /**
   * Event-stream routes only: let this many events through, then strike mid-stream (`reset` drops
   * the connection, `status` sends `event: error`, `hang` goes silent, `malformed` sends a bad frame).
   */
  afterEvents?: number;
  /**
   * Run the request first (its effects happen: a POST /jobs creates the job), then fail it this
   * way instead of answering: the ambiguous failure the docs warn about. JSON routes only; not
   * for 'latency'.
   */
  afterHandling?: boolean;
}

export interface EmulatorStats {
  /** "GET /jobs/{job_id}": 5, per method + route template, since the last reset. */
  requests: Record<string, number>;
  /** Highest number of concurrent in-flight requests per route since the last reset. */
  max_in_flight: Record<string, number>;
}

export interface Emulator {
  /** ScaiMind base URL, e.g. http://127.0.0.1:43121/v1/modules/scaimind */
  readonly url: string;
  /** e.g. http://127.0.0.1:43121 */
  readonly origin: string;
  /** Advances the simulated clock (== POST /_emulator/clock {"advance_ms": ms}). */
  advance(ms: number): void;
  /** Counts, faults, data back to seed, clock back to seed time (== POST /_emulator/reset). */
  reset(): void;
  /** Replaces the fault list. */
  setFaults(faults: FaultSpec[]): void;
  clearFaults(): void;
  setResultShape(shape: ResultShape): void;
  /** Switches the drift profile (== POST /_emulator/profile {"profile": name | {variants}}); reset() restores the initial one. */
  setProfile(profile: DriftProfileName | Partial<Drift>): void;
  /** The variants being played now. */
  readonly drift: Readonly<Drift>;
  /** == GET /_emulator/stats */
  stats(): EmulatorStats;
  /** Counts only (keeps data). */
  resetStats(): void;
  /** Closes the server and every open connection (hung requests and SSE streams too). */
  close(): Promise<void>;
}
