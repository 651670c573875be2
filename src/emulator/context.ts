import type { ServerResponse } from 'node:http';
import type { Permission, Principal } from './auth.js';
import type { Drift } from './drift.js';
import type { PageTokens } from './pagination.js';
import type { Snapshot, Store } from './store.js';
import type { ResultShape } from './types.js';

/** What a ScaiMind route handler sees: an authenticated caller and a consistent snapshot. */
export interface HandlerContext {
  principal: Principal;
  tenant: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** Simulated time of this request. */
  now: number;
  store: Store;
  snapshot: Snapshot;
  /** Always `drift.results`. */
  shape: ResultShape;
  /** Which tolerated variant of each reply this deployment plays. */
  drift: Drift;
  tokens: PageTokens;
}

export interface JsonReply {
  status: number;
  data: unknown;
}

/** Hooks for long-lived replies (SSE); timers registered here die with the emulator. */
export interface Live {
  now(): number;
  every(ms: number, tick: () => void): () => void;
  /** Real ms of silence after which an open stream sends a `:` heartbeat. */
  heartbeatMs: number;
}

/** A fault that strikes an event stream after `afterEvents` events instead of at once. */
export type StreamFault = { afterEvents: number } & (
  | { kind: 'status'; code: string; retryAfter: number | undefined }
  | { kind: 'reset' | 'malformed' | 'hang' }
);

export interface StreamContext extends HandlerContext {
  res: ServerResponse;
  live: Live;
  /** The request's `Last-Event-ID` header, if any. */
  lastEventId: string | undefined;
  streamFault: StreamFault | undefined;
}

interface RouteBase {
  method: 'GET' | 'POST';
  /** Relative to the base path, e.g. "/jobs/{job_id}/cancel"; also the stats and fault key. */
  template: string;
  /** Any one of them is enough. */
  permission: Permission | readonly Permission[];
}

export type RouteDef =
  | (RouteBase & { kind: 'json'; handle(ctx: HandlerContext): JsonReply })
  | (RouteBase & { kind: 'stream'; handle(ctx: StreamContext): void });
