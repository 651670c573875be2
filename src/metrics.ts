/**
 * Prometheus metrics, served by the gateway itself at `GET /metrics` (a Yoga `onRequest` hook, so
 * the HTTP server needs no route of its own): GraphQL operations (count, duration, errors by code),
 * coordinator calls by route and status (fed by the client's `onCall` hook), circuit breaker
 * states, and the live hub's pollers and subscribers.
 *
 * Labels are bounded and never carry a credential: operation types, error codes, route templates
 * (`GET /jobs/{job_id}`, never a concrete path) and HTTP statuses.
 */
import { getOperationAST } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState, CallEvent } from './coordinator/client.js';

export interface MetricsSources {
  /** The coordinator client's per-route breakers. */
  breakerStates?: () => readonly BreakerState[];
  /** The live hub's `stats()`. */
  liveStats?: () => { pollers: number; subscribers: number };
}

export interface GatewayMetrics {
  readonly registry: Registry;
  /** Pass as (or call from) the coordinator client's `onCall`. */
  onCall(event: CallEvent): void;
  /** Where breaker and live figures come from; `createGateway` calls it with its client and hub. */
  attach(sources: MetricsSources): void;
  /** The Yoga plugin: records operations and answers `GET /metrics`. */
  plugin(): Plugin;
  /** The exposition text, as `GET /metrics` serves it. */
  render(): Promise<string>;
}

export interface MetricsOptions extends MetricsSources {
  /** Default `/metrics`. */
  path?: string;
}

const BREAKER_VALUE: Record<BreakerState['state'], number> = { closed: 0, half_open: 1, open: 2 };
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Calls every hook (for several `onCall` consumers: metrics and tracing). */
export function combineOnCall(
  ...hooks: Array<((event: CallEvent) => void) | undefined>
): ((event: CallEvent) => void) | undefined {
  const present = hooks.filter((hook): hook is (event: CallEvent) => void => hook !== undefined);
  if (present.length <= 1) return present[0];
  return (event) => {
    for (const hook of present) hook(event);
  };
}

function codesOf(errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined): string[] {
  if (!errors) return [];
  return errors.map((error) => {
    const code = error.extensions?.code;
    return typeof code === 'string' ? code : 'NONE';
  });
}

export function createMetrics(options: MetricsOptions = {}): GatewayMetrics {
  const path = options.path ?? '/metrics';
  const sources: MetricsSources = { breakerStates: options.breakerStates, liveStats: options.liveStats };
  const registry = new Registry();
  // Process and Node.js figures beside the gateway's own (resident memory, heap, event-loop lag,
  // GC, open handles), so the memory bounds can be watched in production.
  collectDefaultMetrics({ register: registry });

  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations executed, by operation type and outcome (ok, or error when the result had errors).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Execution time of GraphQL queries and mutations (subscriptions: until the first event).',
    labelNames: ['operation'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors returned to clients, by extensions.code (including requests rejected before execution).',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const calls = new Counter({
    name: 'coordinator_calls_total',
    help: 'Coordinator call attempts by route template and HTTP status (or failure code when there was no reply).',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const callDuration = new Histogram({
    name: 'coordinator_call_duration_seconds',
    help: 'Duration of coordinator call attempts by route template.',
    labelNames: ['route'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'coordinator_breaker_state',
    help: 'Circuit breaker per coordinator route: 0 closed, 1 half-open, 2 open.',
    labelNames: ['route'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const breaker of sources.breakerStates?.() ?? []) {
        this.set({ route: breaker.route }, BREAKER_VALUE[breaker.state]);
      }
    },
  });
  new Gauge({
    name: 'gateway_live_pollers',
    help: 'Coordinator pollers running for subscriptions (one per watched resource and credential scope).',
    registers: [registry],
    collect() {
      this.set(sources.liveStats?.().pollers ?? 0);
    },
  });
  new Gauge({
    name: 'gateway_live_subscribers',
    help: 'Active subscriptions.',
    registers: [registry],
    collect() {
      this.set(sources.liveStats?.().subscribers ?? 0);
    },
  });

  const countErrors = (result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) => {
    for (const code of codesOf(result.errors)) errors.inc({ code });
  };

  const onCall = (event: CallEvent) => {
    const route = `${event.method} ${event.route}`;
    calls.inc({ route, status: event.status === null ? (event.errorCode ?? 'NONE') : String(event.status) });
    if (event.errorCode !== 'CIRCUIT_OPEN' && event.errorCode !== 'THROTTLED')
      callDuration.observe({ route }, event.durationMs / 1000);
  };

  const plugin = (): Plugin => ({
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      return registry.metrics().then((text) => {
        endResponse(
          new fetchAPI.Response(request.method === 'HEAD' ? null : text, {
            status: 200,
            headers: { 'content-type': registry.contentType },
          }),
        );
      });
    },
    onExecute({ args }) {
      const started = performance.now();
      const operation = getOperationAST(args.document, args.operationName)?.operation ?? 'unknown';
      // Over HTTP, errors are counted once per response in onResultProcess (which also sees the
      // requests rejected before execution); over WebSocket there is no such hook.
      const overHttp = (args.contextValue as { request?: unknown }).request !== undefined;
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            operationDuration.observe({ operation }, (performance.now() - started) / 1000);
            operations.inc({ operation, outcome: result.errors?.length ? 'error' : 'ok' });
            if (!overHttp) countErrors(result);
          }),
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      const overHttp = (args.contextValue as { request?: unknown }).request !== undefined;
      let first = true;
      return {
        onSubscribeResult: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            if (first) {
              first = false;
              operationDuration.observe({ operation: 'subscription' }, (performance.now() - started) / 1000);
              operations.inc({ operation: 'subscription', outcome: result.errors?.length ? 'error' : 'ok' });
            }
            if (!overHttp) countErrors(result);
          }),
      };
    },
    onResultProcess({ result }) {
      if (Array.isArray(result)) for (const item of result) countErrors(item);
      else if (!(Symbol.asyncIterator in result)) countErrors(result);
    },
  });

  return {
    registry,
    onCall,
    attach(next) {
      if (next.breakerStates) sources.breakerStates ??= next.breakerStates;
      if (next.liveStats) sources.liveStats ??= next.liveStats;
    },
    plugin,
    render: () => registry.metrics(),
  };
}
