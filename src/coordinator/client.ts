/**
 * The one narrow HTTP layer to the coordinator (ScaiMind REST): an undici pool plus resilience.
 *
 * It knows the envelope, the error body, the rate-limit headers, timeouts, retries (GET only) and
 * an optional circuit breaker. It knows nothing about endpoints or domain types (that is `api.ts`)
 * and nothing about GraphQL. This is the gateway's hot path, so per-call work is kept to what a
 * call genuinely needs: routes are compiled once, bodies are parsed once, and a successful call
 * allocates little beyond its reply.
 */
import { EventEmitter } from 'node:events';
import { type Dispatcher, Pool } from 'undici';
import type { RateLimitInfo } from './domain.js';
import { CoordinatorError, type CoordinatorErrorDetail, codeForStatus } from './errors.js';

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

/** Retry policy for GETs (POSTs are never retried). */
export interface RetryOptions {
  /** Attempts in total, including the first. Default 3. */
  maxAttempts?: number;
  /** Base of the exponential backoff. Default 100 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff sleep. Default 2000 ms. */
  maxDelayMs?: number;
  /** No attempt or sleep runs later than this long after the call started. Default 8000 ms. */
  maxTotalMs?: number;
}

/**
 * Opt-in circuit breaker, one per route (`METHOD /template`): after `failureThreshold` consecutive
 * upstream failures of that route (network errors, timeouts, 502/503/504) its calls fail at once
 * with kind `circuit_open` for `resetTimeoutMs`; then a single probe call decides whether to close
 * it again. One failing endpoint does not take the healthy ones down with it.
 */
export interface CircuitBreakerOptions {
  /** Default 5. */
  failureThreshold?: number;
  /** Default 10000 ms. */
  resetTimeoutMs?: number;
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
   * Called once per attempt, and once for a call an open circuit refused (status null, errorCode
   * `CIRCUIT_OPEN`); exceptions it throws are ignored.
   */
  onCall?: (event: CallEvent) => void;
  /** Off unless given. */
  circuitBreaker?: CircuitBreakerOptions;
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

/** A successful (2xx) reply with the envelope removed. */
export interface CoordinatorResponse<T = unknown> {
  /** The envelope's `data`, or the whole body when the coordinator sent it bare. */
  data: T;
  status: number;
  rateLimit: RateLimitInfo | null;
  requestId: string | null;
}

/** The state of one route's circuit breaker, for `/ready` and `/metrics`. */
export interface BreakerState {
  /** `METHOD /template`, e.g. `GET /jobs/{job_id}`. */
  route: string;
  state: 'closed' | 'open' | 'half_open';
  /** Consecutive upstream failures so far. */
  failures: number;
}

/** A connection to one coordinator. */
export interface CoordinatorClient {
  /**
   * Performs the call; rejects with `CoordinatorError` for anything the coordinator or the network
   * did. A missing or empty path parameter is a caller bug and rejects with a `TypeError` before
   * anything is sent (an empty id would otherwise turn `/jobs/{job_id}` into `/jobs/`).
   */
  request<T = unknown>(options: RequestOptions): Promise<CoordinatorResponse<T>>;
  /** Closes the owned pool (an injected dispatcher is left to its owner). */
  close(): Promise<void>;
  /**
   * One entry per route that has been called, when the circuit breaker is on (empty otherwise).
   * Optional so that test doubles need not implement it.
   */
  breakerStates?(): BreakerState[];
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
// Reply parsing
// ---------------------------------------------------------------------------------------------

type ReplyHeaders = Record<string, string | string[] | undefined>;
type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerValue(headers: ReplyHeaders, name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : (value[0] ?? null);
}

function finiteNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** Parses the `X-Scaigrid-Ratelimit-*` headers; null when the reply had none. */
export function parseRateLimit(headers: ReplyHeaders, nowMs = Date.now()): RateLimitInfo | null {
  const limit = headerValue(headers, 'x-scaigrid-ratelimit-limit');
  const remaining = headerValue(headers, 'x-scaigrid-ratelimit-remaining');
  const reset = headerValue(headers, 'x-scaigrid-ratelimit-reset');
  if (limit === null && remaining === null && reset === null) return null;
  let resetSeconds = finiteNumber(reset);
  // Some gateways send the reset as an epoch timestamp rather than a delta.
  if (resetSeconds !== null && resetSeconds > 1e9) resetSeconds = Math.max(0, Math.ceil(resetSeconds - nowMs / 1000));
  return { limit: finiteNumber(limit), remaining: finiteNumber(remaining), resetSeconds };
}

/** `Retry-After` as delta-seconds or an HTTP date → seconds (never negative). */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (value === null || value === '') return null;
  const seconds = finiteNumber(value);
  if (seconds !== null) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** The part of the Authorization value that is secret (the token after the scheme). */
function secretOf(credential: string | null): string | null {
  if (!credential) return null;
  const space = credential.indexOf(' ');
  const token = space >= 0 ? credential.slice(space + 1).trim() : credential;
  return token.length >= 4 ? token : null;
}

/** Upstream text may echo what it was sent; make sure the caller's token never travels on. */
function scrub(text: string, secret: string | null): string {
  return secret !== null && text.includes(secret) ? text.replaceAll(secret, '[REDACTED]') : text;
}

function detailsOf(value: unknown, secret: string | null): CoordinatorErrorDetail[] {
  const out: CoordinatorErrorDetail[] = [];
  if (!Array.isArray(value)) return out;
  for (const item of value) {
    if (!isRecord(item)) continue;
    const field = typeof item.field === 'string' ? item.field : '';
    const message = typeof item.message === 'string' ? scrub(item.message, secret) : '';
    out.push({ field, message });
  }
  return out;
}

function requestIdOf(body: unknown, headers: ReplyHeaders): string | null {
  if (isRecord(body) && isRecord(body.meta) && typeof body.meta.request_id === 'string') return body.meta.request_id;
  return headerValue(headers, 'x-request-id');
}

/** `{"status":"ok","data":…}` (status optional) versus a bare payload that merely has a `data` key. */
function isEnvelope(body: Rec): boolean {
  return 'data' in body && (body.status === undefined || body.status === 'ok');
}

// ---------------------------------------------------------------------------------------------
// Transport errors
// ---------------------------------------------------------------------------------------------

/** Transport failures worth another GET attempt: the request most likely never reached a handler. */
const RETRIABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCodeOf(error: unknown): string | null {
  if (!isRecord(error) && !(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Connection errors sometimes arrive wrapped (AggregateError from happy eyeballs, or `cause`).
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? errorCodeOf(cause) : null;
}

const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/** Replies that say the upstream itself is unhealthy (429 is about the caller, 500 about one request). */
const BREAKER_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

// ---------------------------------------------------------------------------------------------
// Abort fan-out
// ---------------------------------------------------------------------------------------------

const watchersBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * The callbacks to run when `signal` aborts. One request scope's signal is shared by many
 * concurrent calls; a single listener per signal fanning out to a Set is cheaper than a listener
 * per attempt and does not trip Node's MaxListeners warning. The listener lives as long as the
 * signal does.
 */
function abortWatchers(signal: AbortSignal): Set<() => void> {
  let watchers = watchersBySignal.get(signal);
  if (watchers === undefined) {
    const created = new Set<() => void>();
    watchers = created;
    watchersBySignal.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const watcher of created) watcher();
        created.clear();
      },
      { once: true },
    );
  }
  return watchers;
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/** Outcome of one attempt; failures say whether another attempt could help. */
type Attempt<T> =
  | { ok: true; response: CoordinatorResponse<T> }
  | { ok: false; error: CoordinatorError; retriable: boolean; upstreamFailure: boolean };

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

interface Breaker {
  failures: number;
  openUntil: number;
  probing: boolean;
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
  const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 3);
  const baseDelayMs = options.retry?.baseDelayMs ?? 100;
  const maxDelayMs = options.retry?.maxDelayMs ?? 2000;
  const maxTotalMs = options.retry?.maxTotalMs ?? 8000;
  const onCall = options.onCall;
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher: Dispatcher =
    options.dispatcher ?? new Pool(origin, { connections: options.connections ?? 64, pipelining: 1 });
  const breakerOn = options.circuitBreaker !== undefined;
  const breakerThreshold = Math.max(1, options.circuitBreaker?.failureThreshold ?? 5);
  const breakerResetMs = options.circuitBreaker?.resetTimeoutMs ?? 10_000;
  /** Keyed by `Call.label`; route templates are a fixed set, so this stays small. */
  const breakers = new Map<string, Breaker>();
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

  /** Turns a reply (any status) into a response or a failure. The body has been read in full. */
  function interpret<T>(call: Call, status: number, headers: ReplyHeaders, text: string): Attempt<T> {
    let body: unknown;
    let parsed = true;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        parsed = false;
      }
    }
    const rateLimit = parseRateLimit(headers);
    const retriableStatus = call.method === 'GET' && RETRY_STATUSES.has(status);
    const upstreamFailure = BREAKER_STATUSES.has(status);
    const ok = status >= 200 && status < 300;
    const empty = text.length === 0;

    if (!parsed || (ok && empty && status !== 204) || (!ok && !empty && !isRecord(body))) {
      const error = new CoordinatorError({
        kind: 'malformed',
        code: 'MALFORMED_RESPONSE',
        status,
        // The body itself stays out of the message: it may be huge, or echo the request.
        message: `${call.label} returned a malformed ${status} reply (${parsed ? 'unexpected JSON shape' : 'not JSON'})`,
        method: call.method,
        route: call.label,
        requestId: headerValue(headers, 'x-request-id'),
        retryAfterSeconds: parseRetryAfter(headerValue(headers, 'retry-after')),
        rateLimit,
      });
      return { ok: false, error, retriable: retriableStatus, upstreamFailure };
    }

    const record = isRecord(body) ? body : null;
    // A 2xx that still carries the error envelope is an error all the same.
    if (ok && !(record !== null && record.status === 'error' && isRecord(record.error))) {
      const data = record !== null && isEnvelope(record) ? record.data : body;
      return { ok: true, response: { data: data as T, status, rateLimit, requestId: requestIdOf(body, headers) } };
    }

    const wireError = record !== null && isRecord(record.error) ? record.error : null;
    const code = typeof wireError?.code === 'string' && wireError.code ? wireError.code : codeForStatus(status);
    const secret = secretOf(call.credential);
    const upstreamMessage = typeof wireError?.message === 'string' ? scrub(wireError.message, secret) : '';
    const error = new CoordinatorError({
      kind: 'http',
      code,
      status,
      message: `${call.label} failed: ${status} ${code}${upstreamMessage ? `: ${upstreamMessage}` : ''}`,
      upstreamMessage: upstreamMessage || null,
      method: call.method,
      route: call.label,
      requestId: requestIdOf(body, headers),
      retryAfterSeconds: finiteNumber(wireError?.retry_after) ?? parseRetryAfter(headerValue(headers, 'retry-after')),
      details: detailsOf(wireError?.details, secret),
      rateLimit,
    });
    return { ok: false, error, retriable: retriableStatus, upstreamFailure };
  }

  /** Maps a transport exception (no usable reply) to a failure. */
  function transportFailure<T>(call: Call, error: unknown, timedOutAfter: number | null): Attempt<T> {
    if (call.signal?.aborted) return { ok: false, error: aborted(call), retriable: false, upstreamFailure: false };
    const code = errorCodeOf(error);
    if (timedOutAfter !== null || (code !== null && TIMEOUT_CODES.has(code))) {
      return { ok: false, error: timedOut(call, timedOutAfter ?? timeoutMs), retriable: true, upstreamFailure: true };
    }
    const retriable = code !== null && RETRIABLE_NETWORK_CODES.has(code);
    const reason = code ?? 'transport error';
    return {
      ok: false,
      // The transport's own message is left out: it is not ours to vouch for.
      error: fail(call, 'network', 'UNAVAILABLE', `${call.label} could not reach the coordinator (${reason})`, error),
      retriable,
      upstreamFailure: retriable,
    };
  }

  async function attemptOnce<T>(call: Call, attemptTimeoutMs: number): Promise<Attempt<T>> {
    // undici takes an EventEmitter as abort handle. A fresh AbortController per attempt would do
    // the same job but measurably costs more CPU per call on this hot path.
    const handle = new EventEmitter();
    const abort = () => handle.emit('abort');
    let timedOutAfter: number | null = null;
    const timer = setTimeout(() => {
      timedOutAfter = attemptTimeoutMs;
      abort();
    }, attemptTimeoutMs);
    const watchers = call.signal === undefined ? null : abortWatchers(call.signal);
    watchers?.add(abort);
    let reply: Dispatcher.ResponseData | undefined;
    try {
      reply = await dispatcher.request({
        origin,
        path: call.path,
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: handle,
      });
      const text = await reply.body.text();
      return interpret<T>(call, reply.statusCode, reply.headers, text);
    } catch (error) {
      // Never leave a half-read body behind: it would pin a pooled connection.
      reply?.body.destroy();
      return transportFailure<T>(call, error, timedOutAfter);
    } finally {
      clearTimeout(timer);
      watchers?.delete(abort);
    }
  }

  function backoffMs(failedAttempt: number): number {
    const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (failedAttempt - 1));
    // "Equal jitter": spreads synchronized retries while keeping a floor under the delay.
    return exp / 2 + Math.random() * (exp / 2);
  }

  function sleep(ms: number, call: Call): Promise<void> {
    return new Promise((resolve, reject) => {
      // It may have fired while the failed attempt was being settled; its listeners are spent then.
      if (call.signal?.aborted) {
        reject(aborted(call));
        return;
      }
      const watchers = call.signal === undefined ? null : abortWatchers(call.signal);
      const onAbort = () => {
        clearTimeout(timer);
        reject(aborted(call));
      };
      const timer = setTimeout(() => {
        watchers?.delete(onAbort);
        resolve();
      }, ms);
      watchers?.add(onAbort);
    });
  }

  function breakerOf(call: Call): Breaker | null {
    if (!breakerOn) return null;
    let breaker = breakers.get(call.label);
    if (breaker === undefined) {
      breaker = { failures: 0, openUntil: 0, probing: false };
      // Same guard as the compiled routes: a caller passing concrete paths must not grow this forever.
      if (breakers.size < MAX_COMPILED_ROUTES) breakers.set(call.label, breaker);
    }
    return breaker;
  }

  /** Null when a call may go out; otherwise the error to fail with. */
  function breakerRejects(call: Call, breaker: Breaker | null): CoordinatorError | null {
    if (breaker === null || breaker.failures < breakerThreshold) return null;
    const now = Date.now();
    if (now >= breaker.openUntil && !breaker.probing) {
      breaker.probing = true;
      return null;
    }
    return new CoordinatorError({
      kind: 'circuit_open',
      code: 'CIRCUIT_OPEN',
      message: `${call.label} not attempted: the coordinator is failing on this route and its circuit is open`,
      method: call.method,
      route: call.label,
      retryAfterSeconds: Math.max(0, Math.ceil((breaker.openUntil - now) / 1000)),
    });
  }

  function breakerRecord(breaker: Breaker | null, outcome: Attempt<unknown>): void {
    if (breaker === null) return;
    breaker.probing = false;
    if (outcome.ok || !outcome.upstreamFailure) {
      if (outcome.ok || outcome.error.kind !== 'aborted') breaker.failures = 0;
      return;
    }
    breaker.failures++;
    if (breaker.failures >= breakerThreshold) breaker.openUntil = Date.now() + breakerResetMs;
  }

  function breakerStates(): BreakerState[] {
    const now = Date.now();
    const out: BreakerState[] = [];
    for (const [route, breaker] of breakers) {
      const state =
        breaker.failures < breakerThreshold
          ? 'closed'
          : breaker.probing || now >= breaker.openUntil
            ? 'half_open'
            : 'open';
      out.push({ route, state, failures: breaker.failures });
    }
    return out;
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

    const startedAt = Date.now();
    const budgetEnd = Math.min(startedAt + maxTotalMs, o.deadline ?? Number.POSITIVE_INFINITY);
    // POST has no idempotency upstream: a retried submit could create a second job.
    const attempts = o.method === 'GET' ? maxAttempts : 1;

    const breaker = breakerOf(call);

    for (let attempt = 1; ; attempt++) {
      if (o.signal?.aborted) throw aborted(call);
      const remaining = budgetEnd - Date.now();
      if (remaining <= 0) throw timedOut(call, Date.now() - startedAt);
      const rejected = breakerRejects(call, breaker);
      if (rejected !== null) {
        report(call, attempt, performance.now(), null, rejected.code);
        throw rejected;
      }

      const started = performance.now();
      const outcome = await attemptOnce<T>(call, Math.min(timeoutMs, remaining));
      breakerRecord(breaker, outcome);
      if (outcome.ok) {
        report(call, attempt, started, outcome.response.status);
        return outcome.response;
      }
      const { error } = outcome;
      report(call, attempt, started, error.status, error.code);
      if (!outcome.retriable || attempt >= attempts) throw error;

      const retryAfterMs = error.retryAfterSeconds === null ? 0 : error.retryAfterSeconds * 1000;
      const delay = Math.max(retryAfterMs, backoffMs(attempt));
      // Sleeping past the budget only to give up afterwards would hide the real error behind a delay.
      if (Date.now() + delay >= budgetEnd) throw error;
      await sleep(delay, call);
    }
  }

  return {
    request,
    breakerStates,
    close(): Promise<void> {
      if (closed === null) closed = ownsDispatcher ? dispatcher.close() : Promise.resolve();
      return closed;
    },
  };
}
