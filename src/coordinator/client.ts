/**
 * The one narrow HTTP layer to the coordinator (ScaiMind REST): an undici pool, composed with the
 * reply reader (`reply.ts`), the retry policy (`retry.ts`) and the per-route circuit breaker
 * (`breaker.ts`), the way octokit keeps retries and throttling out of its fetch wrapper.
 *
 * It knows URLs, timeouts, aborts and the order of attempts. It knows nothing about endpoints or
 * domain types (that is `api.ts`) and nothing about GraphQL. This is the gateway's hot path, so
 * per-call work is kept to what a call genuinely needs: routes are compiled once, bodies are parsed
 * once, and a successful call allocates little beyond its reply.
 */
import { type Dispatcher, Pool } from 'undici';
import { abortWatchers } from './abort.js';
import {
  type BreakerOutcome,
  type BreakerState,
  type CircuitBreakerOptions,
  createBreakers,
  isUpstreamFailureStatus,
} from './breaker.js';
import { CoordinatorError } from './errors.js';
import { type CoordinatorEventStream, openEventStream } from './event-stream.js';
import { createFairShare, type FairShare } from './fair-share.js';
import { type CoordinatorResponse, type ReplyHeaders, readReply } from './reply.js';
import { createRetryPolicy, type RetryOptions, sleep } from './retry.js';
import { exchange } from './whole-reply.js';

export type { BreakerState, CircuitBreakerOptions } from './breaker.js';
export type { CoordinatorEventStream, SseEvent } from './event-stream.js';
export type { CoordinatorResponse } from './reply.js';
export type { RetryOptions } from './retry.js';

/** One upstream attempt, as reported to `onCall` (metrics, tracing). */
export interface CallEvent {
  method: string;
  /** The route template as passed in (e.g. `/jobs/{job_id}`), never the concrete path. */
  route: string;
  /** HTTP status of the reply; null when there was none (timeout, network error, abort). */
  status: number | null;
  durationMs: number;
  /** The `CoordinatorError` code when the attempt failed. */
  errorCode?: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
}

/** How to reach the coordinator and how hard to try. */
export interface CoordinatorClientOptions {
  /** ScaiMind base URL including its path, e.g. `http://127.0.0.1:4010/v1/modules/scaimind`. */
  baseUrl: string;
  /** Time limit of one attempt (fresh per attempt, capped by the caller's deadline). Default 5000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Size of the keep-alive connection pool to the origin. Default 64. */
  connections?: number;
  /** Injectable transport (tests, proxies). Default: one undici `Pool` for the origin, owned by the client. */
  dispatcher?: Dispatcher;
  /**
   * Connections for event streams, kept apart from the request pool: a stream holds its connection
   * for as long as it runs, and must never leave calls queueing behind it. Default 256 (ignored
   * with an injected dispatcher, which then carries streams too).
   */
  streamConnections?: number;
  /**
   * Called once per attempt, and once for a call an open circuit refused (status null, errorCode
   * `CIRCUIT_OPEN`); exceptions it throws are ignored.
   */
  onCall?: (event: CallEvent) => void;
  /** Off unless given. */
  circuitBreaker?: CircuitBreakerOptions;
  /** How the request pool is shared between credentials (see `fair-share.ts`); defaults from `connections`. */
  fairShare?: FairShareLimits;
}

/** The bounds of the per-credential fair share of the request pool. */
export interface FairShareLimits {
  /** Calls one credential may have in flight. Default: three quarters of `connections` (at least 1). */
  perCredential?: number;
  /** Calls one credential may have waiting for a connection. Default 16 × `connections`. */
  queuePerCredential?: number;
  /** Calls waiting for a connection, all credentials together. Default 64 × `connections`. */
  maxWaiting?: number;
  /** Credentials with calls in flight or waiting, at most. Default 256. */
  maxCredentials?: number;
}

/** Query values: arrays become repeated keys, `undefined` is left out. */
export type QueryValue = string | number | readonly string[] | undefined;

/** One coordinator call. */
export interface RequestOptions {
  method: 'GET' | 'POST';
  /** Route template relative to the base URL, e.g. `/jobs/{job_id}`. */
  route: string;
  /** Values of the template's `{placeholders}`; URL-encoded here. */
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  /** Serialised as JSON. */
  body?: unknown;
  /** The caller's full `Authorization` header value, forwarded unchanged; null sends none. */
  credential: string | null;
  /** Aborting it fails the call at once with kind `aborted`, also during a backoff sleep. */
  signal?: AbortSignal;
  /** Epoch ms: no attempt and no backoff sleep runs past it. */
  deadline?: number;
}

/** One event-stream read (`GET` answered with `text/event-stream`). */
export interface StreamRequestOptions {
  route: string;
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  credential: string | null;
  /** Sent as `Last-Event-ID`: the upstream resumes right after it. */
  lastEventId?: string | null;
  /** Closes the stream (or fails the open) with kind `aborted`. */
  signal?: AbortSignal;
  /** Silence after which the stream counts as dropped (the upstream sends heartbeats). */
  idleTimeoutMs: number;
}

/** A connection to one coordinator. */
export interface CoordinatorClient {
  /**
   * Performs the call; rejects with `CoordinatorError` for anything the coordinator or the network
   * did. A missing or empty path parameter is a caller bug and rejects with a `TypeError` before
   * anything is sent (an empty id would otherwise turn `/jobs/{job_id}` into `/jobs/`).
   */
  request<T = unknown>(options: RequestOptions): Promise<CoordinatorResponse<T>>;
  /**
   * Opens an event stream; rejects with `CoordinatorError` like `request` when the coordinator
   * answers with an error or anything but an event stream. Never retried: the reader resumes.
   */
  stream(options: StreamRequestOptions): Promise<CoordinatorEventStream>;
  /** Closes the owned pool (an injected dispatcher is left to its owner). */
  close(): Promise<void>;
  /**
   * One entry per route that has been called, when the circuit breaker is on (empty otherwise).
   * Optional so that test doubles need not implement it.
   */
  breakerStates?(): BreakerState[];
  /** Calls in flight and waiting for a connection, and credentials with either (tests, metrics). */
  fairShareStats?(): { inFlight: number; waiting: number; scopes: number };
}

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

/** A route template split at its placeholders: literal[0] name[0] literal[1] ... literal[n]. */
interface CompiledRoute {
  literals: string[];
  names: string[];
}

const PLACEHOLDER = /\{([^}]+)\}/g;
const MAX_COMPILED_ROUTES = 512;

function compileRoute(basePath: string, template: string): CompiledRoute {
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, match.index));
    names.push(match[1] ?? '');
    last = match.index + match[0].length;
  }
  literals.push(template.slice(last));
  literals[0] = basePath + literals[0];
  return { literals, names };
}

/** encodeURIComponent leaves `.` alone, and a `..` segment would change which route is hit. */
function encodeSegment(value: string): string {
  if (value === '.' || value === '..') return value.replaceAll('.', '%2E');
  return encodeURIComponent(value);
}

function fillRoute(route: CompiledRoute, template: string, params: Record<string, string> | undefined): string {
  const { literals, names } = route;
  if (names.length === 0) return literals[0] ?? '';
  let path = literals[0] ?? '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? '';
    const value = params?.[name];
    // An empty id would silently turn `/jobs/{job_id}` into the list route.
    if (value === undefined || value === '') {
      throw new TypeError(`Missing path parameter "${name}" for ${template}`);
    }
    path += encodeSegment(value) + (literals[i + 1] ?? '');
  }
  return path;
}

/** `?a=1&status=X&status=Y`, or "" when nothing is set. */
export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (query === undefined) return '';
  let out = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number') {
      out += `${out ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
    } else {
      const k = encodeURIComponent(key);
      for (const item of value) out += `${out ? '&' : '?'}${k}=${encodeURIComponent(item)}`;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Transport errors
// ---------------------------------------------------------------------------------------------

const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCodeOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Connection errors sometimes arrive wrapped (AggregateError from happy eyeballs, or `cause`).
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? errorCodeOf(cause) : null;
}

/**
 * A credential as one caller: the auth scheme is case-insensitive (RFC 9110) and whitespace is not
 * part of the token, so `Bearer t` and `bearer  t` are one caller, or a caller could multiply its
 * fair share (and its scope anywhere else) by varying them.
 */
export function normaliseCredential(credential: string): string {
  const normalised = credential.trim().replace(/\s+/g, ' ');
  const space = normalised.indexOf(' ');
  return space < 0 ? normalised : normalised.slice(0, space).toLowerCase() + normalised.slice(space);
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/** Outcome of one attempt; failures say whether another attempt could help. */
type Attempt<T> =
  | { ok: true; response: CoordinatorResponse<T> }
  | { ok: false; error: CoordinatorError; retriable: boolean; breaker: BreakerOutcome };

/** Everything an attempt needs that does not change between attempts. */
interface Call {
  method: 'GET' | 'POST';
  template: string;
  /** `${method} ${template}`, as errors report it. */
  label: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
  /** Kept only to scrub it from upstream error text. */
  credential: string | null;
}

/**
 * Creates a client for one coordinator origin.
 *
 * The returned client is meant to be shared by the whole process; per-request state (credential,
 * signal, deadline) travels with each call.
 */
export function createCoordinatorClient(options: CoordinatorClientOptions): CoordinatorClient {
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const retry = createRetryPolicy(options.retry);
  const breakers = createBreakers(options.circuitBreaker);
  const onCall = options.onCall;
  const ownsDispatcher = options.dispatcher === undefined;
  const connections = Math.max(1, options.connections ?? 64);
  const dispatcher: Dispatcher = options.dispatcher ?? new Pool(origin, { connections, pipelining: 1 });
  // Never more calls in flight than the pool has connections: a call waits here, in its
  // credential's queue, rather than inside the pool, where its attempt timer would already run.
  const share: FairShare = createFairShare({
    slots: connections,
    perScope: options.fairShare?.perCredential ?? connections - Math.max(1, Math.floor(connections / 4)),
    queuePerScope: options.fairShare?.queuePerCredential ?? 16 * connections,
    maxWaiting: options.fairShare?.maxWaiting ?? 64 * connections,
    maxScopes: options.fairShare?.maxCredentials ?? 256,
  });
  let streamDispatcher: Dispatcher | null = options.dispatcher ?? null;
  const routes = new Map<string, CompiledRoute>();
  let closed: Promise<void> | null = null;

  function compiled(template: string): CompiledRoute {
    let route = routes.get(template);
    if (route === undefined) {
      route = compileRoute(basePath, template);
      // Templates are a fixed set; the cap only guards against a caller passing concrete paths.
      if (routes.size < MAX_COMPILED_ROUTES) routes.set(template, route);
    }
    return route;
  }

  function report(call: Call, attempt: number, started: number, status: number | null, errorCode?: string): void {
    if (onCall === undefined) return;
    const event: CallEvent = {
      method: call.method,
      route: call.template,
      status,
      durationMs: performance.now() - started,
      attempt,
    };
    if (errorCode !== undefined) event.errorCode = errorCode;
    try {
      onCall(event);
    } catch {
      // A metrics hook must never break a call.
    }
  }

  function fail(call: Call, kind: CoordinatorError['kind'], code: string, message: string, cause?: unknown) {
    return new CoordinatorError({ kind, code, message, method: call.method, route: call.label, cause });
  }

  function aborted(call: Call): CoordinatorError {
    return fail(call, 'aborted', 'ABORTED', `${call.label} was aborted by the caller`);
  }

  function timedOut(call: Call, ms: number): CoordinatorError {
    return fail(call, 'timeout', 'DEADLINE_EXCEEDED', `${call.label} timed out after ${Math.round(ms)} ms`);
  }

  function throttled(call: Call, why: string): CoordinatorError {
    return new CoordinatorError({
      kind: 'throttled',
      code: 'THROTTLED',
      message: `Too many coordinator calls at once for this credential: ${why}. Retry shortly, or send fewer requests in parallel.`,
      method: call.method,
      route: call.label,
      retryAfterSeconds: 1,
    });
  }

  /**
   * Waits for a connection of this credential's share; rejects when the caller aborts, when its
   * time runs out first, or at once when its queue is full. Nothing here feeds the breaker: the
   * coordinator was not asked.
   */
  function queued(call: Call, key: string, waiting: { granted: Promise<void>; cancel: () => boolean }, until: number) {
    return new Promise<void>((resolve, reject) => {
      const watchers = call.signal === undefined ? null : abortWatchers(call.signal);
      const done = () => {
        clearTimeout(timer);
        watchers?.delete(onAbort);
      };
      const giveUp = (error: CoordinatorError) => {
        done();
        // Granted in the meantime: the slot is ours, and must go back.
        if (!waiting.cancel()) share.release(key);
        reject(error);
      };
      const onAbort = () => giveUp(aborted(call));
      const timer = setTimeout(
        () => giveUp(throttled(call, 'its share of connections stayed busy until the request’s deadline')),
        Math.max(0, until - Date.now()),
      );
      watchers?.add(onAbort);
      waiting.granted.then(() => {
        if (!waiting.cancel()) {
          done();
          resolve();
        }
      });
    });
  }

  /** A reply of any status, body read in full. */
  function replied<T>(call: Call, status: number, headers: ReplyHeaders, text: string) {
    const reply = readReply<T>(call, status, headers, text);
    if (reply.ok) return reply;
    const attempt: Attempt<T> = {
      ok: false,
      error: reply.error,
      retriable: call.method === 'GET' && retry.retriesStatus(status),
      breaker: isUpstreamFailureStatus(status) ? 'upstream_failure' : 'other_failure',
    };
    return attempt;
  }

  /** Maps a transport exception (no usable reply) to a failure. */
  function transportFailure<T>(call: Call, error: unknown, timedOutAfter: number | null): Attempt<T> {
    if (call.signal?.aborted) return { ok: false, error: aborted(call), retriable: false, breaker: 'aborted' };
    const code = errorCodeOf(error);
    if (timedOutAfter !== null || (code !== null && TIMEOUT_CODES.has(code))) {
      return {
        ok: false,
        error: timedOut(call, timedOutAfter ?? timeoutMs),
        retriable: true,
        // An attempt cut short by the caller's deadline or the retry budget says nothing about the
        // coordinator: only one that had the full attempt timeout counts against its route.
        breaker: timedOutAfter === null || timedOutAfter >= timeoutMs ? 'upstream_failure' : 'aborted',
      };
    }
    const retriable = retry.retriesNetworkCode(code);
    const reason = code ?? 'transport error';
    return {
      ok: false,
      // The transport's own message is left out: it is not ours to vouch for.
      error: fail(call, 'network', 'UNAVAILABLE', `${call.label} could not reach the coordinator (${reason})`, error),
      retriable,
      breaker: retriable ? 'upstream_failure' : 'other_failure',
    };
  }

  async function attemptOnce<T>(call: Call, attemptTimeoutMs: number): Promise<Attempt<T>> {
    const pending = exchange(dispatcher, {
      origin,
      path: call.path,
      method: call.method,
      headers: call.headers,
      body: call.body,
    });
    // Why it was cut short is read from the call's signal and `timedOutAfter`, not from the reason.
    const abort = () => pending.abort(new Error('attempt cut short'));
    let timedOutAfter: number | null = null;
    const timer = setTimeout(() => {
      timedOutAfter = attemptTimeoutMs;
      abort();
    }, attemptTimeoutMs);
    const watchers = call.signal === undefined ? null : abortWatchers(call.signal);
    watchers?.add(abort);
    try {
      const { status, headers, text } = await pending.reply;
      return replied<T>(call, status, headers, text);
    } catch (error) {
      return transportFailure<T>(call, error, timedOutAfter);
    } finally {
      clearTimeout(timer);
      watchers?.delete(abort);
    }
  }

  async function request<T>(o: RequestOptions): Promise<CoordinatorResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (o.credential !== null) headers.authorization = o.credential;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const call: Call = {
      method: o.method,
      template: o.route,
      label: `${o.method} ${o.route}`,
      path: fillRoute(compiled(o.route), o.route, o.params) + buildQuery(o.query),
      headers,
      body,
      signal: o.signal,
      credential: o.credential,
    };
    if (closed !== null) throw fail(call, 'network', 'UNAVAILABLE', `${call.label}: the coordinator client is closed`);

    const scopeKey = o.credential === null ? '' : normaliseCredential(o.credential);
    const startedAt = Date.now();
    const budgetEnd = Math.min(startedAt + retry.maxTotalMs, o.deadline ?? Number.POSITIVE_INFINITY);
    const attempts = retry.attempts(o.method);

    for (let attempt = 1; ; attempt++) {
      if (o.signal?.aborted) throw aborted(call);
      if (budgetEnd - Date.now() <= 0) throw timedOut(call, Date.now() - startedAt);
      const slot = share.acquire(scopeKey);
      if (slot.granted === false) {
        const error = throttled(
          call,
          slot.refusal === 'queue_full'
            ? 'its share of the connections is in use and its queue is full'
            : 'the gateway has as many calls waiting for the coordinator as it can hold',
        );
        report(call, attempt, performance.now(), null, error.code);
        throw error;
      }
      if (slot.granted !== true) {
        try {
          await queued(call, scopeKey, slot, budgetEnd);
        } catch (error) {
          if (error instanceof CoordinatorError && error.kind === 'throttled') {
            report(call, attempt, performance.now(), null, error.code);
          }
          throw error;
        }
      }
      // Asked only once a connection is ours: a half-open breaker's probe must actually go out.
      const rejected = breakers.admit(call.method, call.label);
      if (rejected !== null) {
        share.release(scopeKey);
        report(call, attempt, performance.now(), null, rejected.code);
        throw rejected;
      }

      const started = performance.now();
      const remaining = budgetEnd - Date.now();
      let outcome: Attempt<T>;
      try {
        outcome = await attemptOnce<T>(call, Math.max(1, Math.min(timeoutMs, remaining)));
      } finally {
        share.release(scopeKey);
      }
      breakers.record(call.label, outcome.ok ? 'success' : outcome.breaker);
      if (outcome.ok) {
        report(call, attempt, started, outcome.response.status);
        return outcome.response;
      }
      const { error } = outcome;
      report(call, attempt, started, error.status, error.code);
      if (!outcome.retriable || attempt >= attempts) throw error;

      const delay = retry.delayMs(attempt, error);
      // Sleeping past the budget only to give up afterwards would hide the real error behind a delay.
      if (Date.now() + delay >= budgetEnd) throw error;
      await sleep(delay, call.signal, () => aborted(call));
    }
  }

  function stream(o: StreamRequestOptions): Promise<CoordinatorEventStream> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (o.credential !== null) headers.authorization = o.credential;
    if (o.lastEventId) headers['last-event-id'] = o.lastEventId;
    const label = `GET ${o.route}`;
    if (closed !== null) {
      const error = new CoordinatorError({
        kind: 'network',
        code: 'UNAVAILABLE',
        message: `${label}: the coordinator client is closed`,
        method: 'GET',
        route: label,
      });
      return Promise.reject(error);
    }
    streamDispatcher ??= new Pool(origin, { connections: options.streamConnections ?? 256, pipelining: 1 });
    return openEventStream({
      origin: { method: 'GET', label, credential: o.credential },
      dispatcher: streamDispatcher,
      url: { origin, path: fillRoute(compiled(o.route), o.route, o.params) + buildQuery(o.query) },
      headers,
      signal: o.signal,
      connectTimeoutMs: timeoutMs,
      idleTimeoutMs: o.idleTimeoutMs,
    });
  }

  return {
    request,
    stream,
    breakerStates: () => breakers.states(),
    fairShareStats: () => share.stats(),
    close(): Promise<void> {
      if (closed === null) {
        // Open streams are cut rather than waited for: they would never end on their own.
        const streams = ownsDispatcher ? streamDispatcher?.destroy() : undefined;
        closed = Promise.all([ownsDispatcher ? dispatcher.close() : undefined, streams]).then(() => {});
      }
      return closed;
    },
  };
}
