/**
 * OpenTelemetry tracing, only when configured (`OTEL_EXPORTER_OTLP_ENDPOINT`): a span per GraphQL
 * operation and a child span per coordinator call attempt (from the client's `onCall` hook). The
 * SDK is loaded with a dynamic import, so a gateway without tracing never loads it, and no global
 * provider is registered: the spans come from this module's own provider.
 *
 * Parent and child are linked with an AsyncLocalStorage around execution (envelop's
 * `instrumentation.execute`), which the resolvers and the coordinator client run inside.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span, Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { getOperationAST } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { CallEvent } from './coordinator/client.js';

export interface TracingOptions {
  /** OTLP/HTTP base endpoint, e.g. `http://otel-collector:4318`; spans go to `<endpoint>/v1/traces`. */
  endpoint?: string | null;
  serviceName?: string;
  /** Replaces the OTLP exporter (tests pass an in-memory one, exported synchronously). */
  exporter?: SpanExporter;
}

export interface GatewayTracing {
  /** The Yoga plugin: one span per operation. */
  plugin(): Plugin;
  /** Pass to (or call from) the coordinator client's `onCall`: one span per attempt. */
  onCall(event: CallEvent): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Loads the SDK and builds the tracer; call only when tracing is configured. */
export async function createTracing(options: TracingOptions): Promise<GatewayTracing> {
  const api = await import('@opentelemetry/api');
  const sdk = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  let exporter = options.exporter;
  if (!exporter) {
    if (!options.endpoint) throw new Error('createTracing needs an endpoint or an exporter');
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  }
  const provider = new sdk.BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'scaimind-gateway' }),
    spanProcessors: [options.exporter ? new sdk.SimpleSpanProcessor(exporter) : new sdk.BatchSpanProcessor(exporter)],
  });
  const tracer: Tracer = provider.getTracer('scaimind-gateway');
  const current = new AsyncLocalStorage<Span>();

  const plugin = (): Plugin => ({
    instrumentation: {
      execute: (_payload, wrapped) => {
        const span = tracer.startSpan('graphql.operation', { kind: api.SpanKind.SERVER });
        const done = () => span.end();
        try {
          const result = current.run(span, wrapped);
          if (result instanceof Promise) return result.finally(done);
          done();
          return result;
        } catch (error) {
          done();
          throw error;
        }
      },
    },
    onExecute({ args }) {
      // The operation's span, set by the execute instrumentation that runs this hook (no WeakMap
      // keyed by the context: see `operationMemo` in context.ts).
      const span = current.getStore();
      if (!span) return;
      const operation = getOperationAST(args.document, args.operationName);
      const type = operation?.operation ?? 'unknown';
      const name = operation?.name?.value ?? args.operationName ?? undefined;
      span.updateName(name ? `${type} ${name}` : type);
      span.setAttribute('graphql.operation.type', type);
      if (name) span.setAttribute('graphql.operation.name', name);
      const requestId = (args.contextValue as { requestId?: unknown }).requestId;
      if (typeof requestId === 'string') span.setAttribute('gateway.request_id', requestId);
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            if (result.errors?.length) {
              const codes = result.errors.map((error) => String(error.extensions?.code ?? 'NONE'));
              span.setAttribute('graphql.error.codes', [...new Set(codes)]);
              span.setStatus({ code: api.SpanStatusCode.ERROR, message: codes[0] });
            }
          }),
      };
    },
  });

  const onCall = (event: CallEvent) => {
    const parent = current.getStore();
    const context = parent ? api.trace.setSpan(api.ROOT_CONTEXT, parent) : api.ROOT_CONTEXT;
    const end = performance.timeOrigin + performance.now();
    const span = tracer.startSpan(
      `${event.method} ${event.route}`,
      {
        kind: api.SpanKind.CLIENT,
        startTime: end - event.durationMs,
        attributes: {
          'http.request.method': event.method,
          'url.template': event.route,
          'coordinator.attempt': event.attempt,
          ...(event.status !== null ? { 'http.response.status_code': event.status } : {}),
          ...(event.errorCode ? { 'error.type': event.errorCode } : {}),
        },
      },
      context,
    );
    if (event.errorCode) span.setStatus({ code: api.SpanStatusCode.ERROR, message: event.errorCode });
    span.end(end);
  };

  return {
    plugin,
    onCall,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
