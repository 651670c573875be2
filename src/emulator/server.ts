import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, authorize, bearerToken } from './auth.js';
import type { SimClock } from './clock.js';
import type { HandlerContext, StreamContext } from './context.js';
import { type Controls, handleControl } from './control.js';
import { type Drift, encodePayload } from './drift.js';
import { ApiError } from './errors.js';
import type { FaultDecision, FaultInjector } from './faults.js';
import { newRequestId, parseJsonObject, readBody, sendError, sendOk } from './http.js';
import type { PageTokens } from './pagination.js';
import type { RateLimiter, RateLimitVerdict } from './ratelimit.js';
import { matchRoute } from './routes.js';
import type { StatsRecorder } from './stats.js';
import { Snapshot, type Store } from './store.js';
import type { Timers } from './timers.js';

/** Where the ScaiMind REST API lives, as on a real ScaiGrid host. */
export const BASE_PATH = '/v1/modules/scaimind';

/** Mutable state shared by the request handler and the in-process API. */
export interface Runtime {
  readonly clock: SimClock;
  store: Store;
  readonly faults: FaultInjector;
  readonly limiter: RateLimiter;
  readonly stats: StatsRecorder;
  readonly tokens: PageTokens;
  readonly timers: Timers;
  readonly controls: Controls;
  /** Which tolerated variant of each reply this deployment plays (the result shape included). */
  drift: Drift;
  /** Added to every ScaiMind reply. */
  readonly latencyMs: number;
  readonly streamHeartbeatMs: number;
}

/** The reset is a Unix epoch in seconds [doc], or seconds to go where a deployment drifts. */
function rateLimitHeaders(res: ServerResponse, verdict: RateLimitVerdict, drift: Drift): void {
  const reset =
    drift.rateLimitReset === 'epoch' ? Math.ceil(Date.now() / 1000) + verdict.resetSeconds : verdict.resetSeconds;
  res.setHeader('X-Scaigrid-Ratelimit-Limit', String(verdict.limit));
  res.setHeader('X-Scaigrid-Ratelimit-Remaining', String(verdict.remaining));
  res.setHeader('X-Scaigrid-Ratelimit-Reset', String(reset));
}

/** Codes a drifting deployment sends with 400 instead of their documented status. */
const UNUSUAL_AS_400: ReadonlySet<string> = new Set(['FAILED_PRECONDITION', 'NOT_FOUND', 'VALIDATION_ERROR']);

function withDriftStatus(error: ApiError, drift: Drift): ApiError {
  if (drift.errorStatuses !== 'unusual' || !UNUSUAL_AS_400.has(error.code) || error.status === 400) return error;
  const options: { details?: typeof error.details; retryAfter?: number; status: number } = { status: 400 };
  if (error.details !== undefined) options.details = error.details;
  return new ApiError(error.code, error.message, options);
}

/** Carries out a non-latency fault; returns true when the request is dealt with. */
function applyFault(
  action: FaultDecision['action'],
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): boolean {
  if (action === undefined) return false;
  switch (action.kind) {
    case 'status': {
      const options = action.retryAfter === undefined ? {} : { retryAfter: action.retryAfter };
      sendError(
        res,
        requestId,
        new ApiError(action.code, `Injected fault: ${action.code}`, { ...options, status: action.status }),
      );
      return true;
    }
    case 'reset':
      // An RST where the platform supports it: the client sees ECONNRESET, not a clean close.
      req.socket.resetAndDestroy();
      return true;
    case 'malformed':
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end('{"status":"ok","data":{"job_id":"job_');
      return true;
    case 'hang':
      // Never answer: the socket stays open until the client gives up or the emulator closes.
      return true;
  }
}

async function handleScaiMind(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
  requestId: string,
) {
  const method = req.method ?? 'GET';
  const verdict = rt.limiter.hit(bearerToken(req.headers.authorization) ?? 'anonymous');
  rateLimitHeaders(res, verdict, rt.drift);

  const match = matchRoute(method, path);
  if (match.kind === 'not-found') throw new ApiError('NOT_FOUND', `No route ${method} ${BASE_PATH}${path}`);
  if (match.kind === 'method-not-allowed') {
    res.setHeader('Allow', match.allowed.join(', '));
    throw new ApiError('METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${match.allowed.join(' or ')}`);
  }
  const { route, params } = match;
  const end = rt.stats.begin(`${route.method} ${route.template}`);
  res.once('close', end);
  // Consume the body up front so every reply (even an injected one) follows a complete request.
  const rawBody = method === 'POST' ? await readBody(req) : '';

  if (!verdict.allowed) {
    throw new ApiError('RATE_LIMITED', `Rate limit exceeded; retry in ${verdict.retryAfter} s`, {
      retryAfter: verdict.retryAfter ?? 1,
    });
  }
  const decision = rt.faults.decide(route.method, route.template);
  await rt.timers.sleep(rt.latencyMs + decision.latencyMs);
  if (res.destroyed) return;
  const midStream = route.kind === 'stream' && decision.afterEvents !== undefined;
  const after = decision.action?.afterHandling ? decision.action : undefined;
  if (!midStream && after === undefined && applyFault(decision.action, req, res, requestId)) return;

  const principal = authenticate(req.headers.authorization);
  authorize(principal, route.permission);
  const now = rt.clock.now();
  const ctx: HandlerContext = {
    principal,
    tenant: principal.tenant,
    params,
    query: url.searchParams,
    body: parseJsonObject(rawBody),
    now,
    store: rt.store,
    snapshot: new Snapshot(rt.store, principal.tenant, now),
    shape: rt.drift.results,
    drift: rt.drift,
    tokens: rt.tokens,
  };
  if (route.kind === 'json') {
    const reply = route.handle(ctx);
    // The work is done; the caller just never learns it (the docs' "504 may still have created it").
    if (applyFault(after, req, res, requestId)) return;
    sendOk(res, reply.status, encodePayload(reply.data, rt.drift));
    return;
  }
  const lastEventId = req.headers['last-event-id'];
  const streamCtx: StreamContext = {
    ...ctx,
    res,
    live: {
      now: () => rt.clock.now(),
      every: (ms, tick) => rt.timers.every(ms, tick),
      heartbeatMs: rt.streamHeartbeatMs,
    },
    lastEventId: typeof lastEventId === 'string' ? lastEventId : undefined,
    streamFault:
      midStream && decision.action !== undefined
        ? { ...decision.action, afterEvents: decision.afterEvents ?? 0 }
        : undefined,
  };
  route.handle(streamCtx);
}

/** The node:http request listener of the emulator. */
export function createRequestListener(rt: Runtime): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = newRequestId();
    res.setHeader('X-Request-Id', requestId);
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    const work =
      path === '/_emulator' || path.startsWith('/_emulator/')
        ? handleControl(rt.controls, req, res, path, requestId)
        : path === BASE_PATH || path.startsWith(`${BASE_PATH}/`)
          ? handleScaiMind(rt, req, res, path.slice(BASE_PATH.length) || '/', url, requestId)
          : Promise.reject(
              new ApiError('NOT_FOUND', `No route ${req.method} ${path}; the API lives under ${BASE_PATH}`),
            );
    work.catch((error: unknown) => {
      if (error instanceof ApiError) {
        if (res.headersSent) res.destroy();
        else sendError(res, requestId, withDriftStatus(error, rt.drift));
        return;
      }
      // A bug in the emulator: answer like the coordinator does (detail hidden), but say it locally.
      console.error(`[emulator] ${req.method} ${path} failed (request ${requestId}):`, error);
      if (res.headersSent) res.destroy();
      else sendError(res, requestId, new ApiError('INTERNAL', 'Internal error'));
    });
  };
}
