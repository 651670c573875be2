/**
 * createGateway: the Yoga instance (schema, context, plugins, error mapping). It opens no port and
 * reads no environment; `server.ts` serves it and tests call `gateway.fetch` directly.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { type CORSOptions, getCORSHeadersByRequestAndOptions } from '@whatwg-node/server';
import type { GraphQLError } from 'graphql';
import { createYoga, type GraphiQLOptions, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { type ApqStore, createMemoryApqStore } from './apq.js';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { type CoordinatorApi, createCoordinatorApi } from './coordinator/api.js';
import { type CoordinatorClient, normaliseCredential } from './coordinator/client.js';
import { boundedParserCaches } from './document-cache.js';
import { createUpstreamFailureLog, gatewayError, maskError, refusalErrors, useErrorMapping } from './errors.js';
import { GRAPHIQL_EXAMPLES } from './graphiql-examples.js';
import { useGraphQLSse } from './graphql-sse.js';
import { createMemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { useCompiledExecution } from './jit.js';
import type { LiveHub } from './live/hub.js';
import type { Logger } from './log.js';
import type { GatewayMetrics } from './metrics.js';
import { createRateLimitBook, type RateLimitBook } from './rate-limits.js';
import { getSchema } from './schema/index.js';
import { createOperationAdmission, type OperationAdmission, securityPlugins } from './security.js';
import type { GatewayTracing } from './tracing.js';

export interface GatewayDeps {
  /** Automatic persisted queries (hash → query); default: bounded in memory. Redis shares it. */
  apq?: ApqStore;
  client: CoordinatorClient;
  log: Logger;
  /**
   * Used when a request carries no credential: the embedded emulator's development key. Null with
   * a real coordinator, where such a request is UNAUTHENTICATED without any upstream call.
   */
  defaultCredential?: string | null;
  idempotency?: IdempotencyStore;
  /** Subscriptions' pollers; without one, subscribing fails with UPSTREAM_UNAVAILABLE. */
  live?: LiveHub;
  /**
   * Operation hash → query text (read by `main.ts` from `PERSISTED_OPERATIONS`). Accepted by
   * Apollo-style `extensions.persistedQuery.sha256Hash` or `documentId`; with
   * `config.allowArbitraryOperations` false, nothing else runs.
   */
  persistedOperations?: Readonly<Record<string, string>>;
  /** Prometheus metrics, served at `GET /metrics` (its `onCall` belongs on the client). */
  metrics?: GatewayMetrics;
  /** OpenTelemetry spans (its `onCall` belongs on the client). */
  tracing?: GatewayTracing;
  /** Where `viewer.rateLimit` is read from; default: a bounded in-process book. */
  rateLimits?: RateLimitBook;
  /** The clock of time-based log throttling; default `Date.now` (tests inject one). */
  now?: () => number;
}

/** What the transports hand to the context factory: an HTTP request, or a graphql-ws connection. */
export interface TransportContext {
  request?: Request;
  /** The graphql-ws connection (one object per socket), for what is said once per connection. */
  connection?: object;
  connectionParams?: Readonly<Record<string, unknown>>;
  requestId?: string;
}

/**
 * The Yoga instance, plus what a transport outside Yoga (graphql-ws in `server.ts`) needs to apply
 * the same policy: the operation admission (persisted operations) and the error mapping of
 * requests refused before execution.
 */
export type Gateway = YogaServerInstance<TransportContext, Context> & {
  readonly admit: OperationAdmission;
  /**
   * Runs a plain JSON POST's params (already read and parsed by `server.ts`) through Yoga's
   * operation handling and result processing, and returns the reply; null when Yoga's full path
   * must answer instead (a refusal before execution, or a configuration that needs that path).
   */
  executeJsonPost(request: Request, params: Record<string, unknown>): Promise<Response | null>;
  /** Refusals (parse, validation, admission, shutdown) in client-visible form, with the request id. */
  refusals(errors: readonly unknown[], requestId: string): GraphQLError[];
};

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The id a client sent, if it is sane enough to put into logs and headers; else a new one. */
export function acceptRequestId(sent: string | null | undefined): string {
  return sent && REQUEST_ID.test(sent) ? sent : randomUUID();
}
/**
 * Kept on the request itself, not in a WeakMap keyed by it: such an entry (a young key per
 * request) makes every young-generation GC costlier (see `operationMemo` in context.ts).
 */
const REQUEST_ID_OF = Symbol('request id');

/** The caller's request id (accepted from `x-request-id` when sane) or a new one; stable per request. */
export function requestIdOf(request: Request | undefined): string {
  if (!request) return randomUUID();
  const identified = request as Request & { [REQUEST_ID_OF]?: string };
  let id = identified[REQUEST_ID_OF];
  if (id === undefined) {
    id = acceptRequestId(request.headers.get('x-request-id'));
    identified[REQUEST_ID_OF] = id;
  }
  return id;
}

function credentialOf(transport: TransportContext): string | null {
  const fromHeader = transport.request?.headers.get('authorization');
  if (fromHeader) return fromHeader;
  const params = transport.connectionParams;
  const fromParams = params?.authorization ?? params?.Authorization;
  return typeof fromParams === 'string' && fromParams ? fromParams : null;
}

/** Every call fails UNAUTHENTICATED, so introspection still works without a token but no data flows. */
const unauthenticatedApi: CoordinatorApi = new Proxy({} as CoordinatorApi, {
  get: (_target, property) => (property === 'rateLimit' ? null : () => Promise.reject(gatewayError('UNAUTHENTICATED'))),
});

const noLive: LiveHub = {
  watch: () => {
    throw gatewayError('UPSTREAM_UNAVAILABLE', 'Live status is not configured on this gateway.');
  },
  watchStream: () => {
    throw gatewayError('UPSTREAM_UNAVAILABLE', 'Job streams are not configured on this gateway.');
  },
  recentStream: async () => [],
  stats: () => ({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 }),
  close: async () => {},
};

/**
 * The headers the gateway adds to every HTTP reply: the request id, and (when its request ran on
 * the embedded emulator's development key because it sent no credential) a header saying so, so a
 * page can tell the user instead of guessing. One function for Yoga's path and the direct one.
 */
function replyHeaders(defaultCredential: string | null) {
  return (request: Request, headers: Headers) => {
    headers.set('x-request-id', requestIdOf(request));
    if (defaultCredential !== null && !request.headers.has('authorization'))
      headers.set('x-scaimind-credential', 'emulator-development-key');
  };
}

type ResultProcessHook = (payload: {
  request: Request;
  acceptableMediaTypes: string[];
  result: unknown;
  setResult(result: unknown): void;
  resultProcessor: unknown;
  setResultProcessor(processor: ResultProcessor, mediaType: string): void;
  serverContext: object;
}) => unknown;
type ResultProcessor = (result: unknown, fetchAPI: unknown, mediaType: string) => Response | Promise<Response>;

/**
 * `Gateway.executeJsonPost`: Yoga's own operation handling (`getResultForParams`: the params hooks,
 * i.e. query-parameter checks and the operation admission, then parse, validation, context and
 * execution with every envelop plugin) and its own result processing (the result-process hooks:
 * media type, error mapping, metrics), skipping only the HTTP layer around them, which `server.ts`
 * has already done for a plain JSON POST. `onResultProcessHooks` is a private field of Yoga's
 * server: if a later Yoga lacks it, every request takes Yoga's full path.
 */
function directExecution(
  yoga: YogaServerInstance<TransportContext, Context>,
  corsPolicy: CORSOptions,
  addReplyHeaders: (request: Request, headers: Headers) => void,
): Gateway['executeJsonPost'] {
  const hooks = (yoga as unknown as { onResultProcessHooks?: unknown }).onResultProcessHooks;
  if (!Array.isArray(hooks)) return async () => null;
  const resultProcessHooks = hooks as ResultProcessHook[];
  // Read once: every property read on the Yoga instance goes through a Proxy trap.
  const { getResultForParams, fetchAPI } = yoga;
  return async (request, params) => {
    let result: unknown;
    try {
      result = await getResultForParams({ request, params: params as never }, {} as never);
    } catch {
      // Only a params hook throws here (execution errors become the result), so nothing has run:
      // Yoga's full path answers it, the way it answers every refused request.
      return null;
    }
    let processor: ResultProcessor | undefined;
    let mediaType = '*/*';
    const acceptableMediaTypes: string[] = [];
    for (const hook of resultProcessHooks) {
      // Most hooks are synchronous: awaiting only a promise spares a microtask turn per hook.
      const done = hook({
        request,
        acceptableMediaTypes,
        result,
        setResult: (next) => {
          result = next;
        },
        resultProcessor: processor,
        setResultProcessor: (next, nextMediaType) => {
          processor = next;
          mediaType = nextMediaType;
        },
        serverContext: {},
      });
      if (typeof (done as PromiseLike<unknown> | undefined)?.then === 'function') await done;
    }
    const response = processor
      ? await processor(result, fetchAPI, mediaType)
      : new fetchAPI.Response(null, {
          status: 406,
          statusText: 'Not Acceptable',
          headers: { accept: acceptableMediaTypes.join('; charset=utf-8, ') },
        });
    // What the CORS plugin's onResponse adds on Yoga's path (nothing for a request without Origin).
    const cors = getCORSHeadersByRequestAndOptions(request, corsPolicy);
    if (cors) for (const name in cors) response.headers.set(name, cors[name] as string);
    addReplyHeaders(request, response.headers);
    return response;
  };
}

const scopes = new Map<string, string>();
const MAX_REMEMBERED_SCOPES = 1024;

/** Credentials longer than this are digested every time rather than remembered (bounded memory). */
const MAX_REMEMBERED_CREDENTIAL_LENGTH = 1024;

/**
 * The credential's digest, one per caller (`normaliseCredential`: the same caller as the fair
 * share's); remembered because a client sends the same token request after request.
 */
function scopeOf(credential: string): string {
  let scope = scopes.get(credential);
  if (scope === undefined) {
    scope = createHash('sha256').update(normaliseCredential(credential)).digest('base64url').slice(0, 24);
    if (credential.length <= MAX_REMEMBERED_CREDENTIAL_LENGTH) {
      if (scopes.size >= MAX_REMEMBERED_SCOPES) scopes.clear();
      scopes.set(credential, scope);
    }
  }
  return scope;
}

function yogaLogging(log: Logger, scope: AsyncLocalStorage<string> | null) {
  const fields = (args: unknown[]) => {
    const requestId = scope?.getStore();
    return requestId ? { requestId, args: args.slice(1) } : { args: args.slice(1) };
  };
  return {
    // Yoga logs at debug level several times per request: below that level, allocate nothing.
    debug: scope ? (...args: unknown[]) => log.debug(String(args[0]), fields(args)) : () => {},
    info: (...args: unknown[]) => log.info(String(args[0]), fields(args)),
    warn: (...args: unknown[]) => log.warn(String(args[0]), fields(args)),
    error: (...args: unknown[]) => log.error(String(args[0]), fields(args)),
  };
}

/**
 * At debug level Yoga itself logs while it handles a request; an AsyncLocalStorage around each
 * request gives those lines the request id too. Only then: it is not free on the hot path, and at
 * info level every line logged during an operation already comes from the context's child logger.
 */
function useRequestScope(scope: AsyncLocalStorage<string>): Plugin {
  return { instrumentation: { request: ({ request }, wrapped) => scope.run(requestIdOf(request), wrapped) } };
}

/**
 * CORS with safe defaults: any origin without credentials unless origins are listed (Yoga's own
 * default reflects every origin *with* credentials). Browser code may read the request id, and
 * whether the development key was used.
 */
function corsOptions(config: Config, usesDefaultCredential: boolean): CORSOptions {
  return {
    origin: config.corsOrigins === '*' ? ['*'] : config.corsOrigins,
    credentials: config.corsCredentials,
    exposedHeaders: ['x-request-id', ...(usesDefaultCredential ? ['x-scaimind-credential'] : [])],
    maxAge: 600,
  };
}

/**
 * GraphiQL from the npm package, every script, style and worker inlined in the page: internal
 * networks and CI have no CDN, and Yoga's default page loads its assets from one. The page is
 * large (megabytes) and the same for every request, so it is rendered once.
 */
function offlineGraphiQL(): (options: GraphiQLOptions) => string {
  let rendered: { key: string; html: string } | undefined;
  return (options) => {
    const key = JSON.stringify(options);
    if (rendered?.key !== key) rendered = { key, html: renderGraphiQL(options) };
    return rendered.html;
  };
}

export function createGateway(config: Config, deps: GatewayDeps): Gateway {
  const idempotency = deps.idempotency ?? createMemoryIdempotencyStore();
  const defaultCredential = deps.defaultCredential ?? null;
  const live = deps.live ?? noLive;
  const rateLimits = deps.rateLimits ?? createRateLimitBook();
  const logScope = config.logLevel === 'debug' ? new AsyncLocalStorage<string>() : null;
  deps.metrics?.attach({ breakerStates: () => deps.client.breakerStates?.() ?? [], liveStats: () => live.stats() });

  const devKeyNoticed = new WeakSet<object>();
  const context = (transport: TransportContext): Context => {
    const requestId = transport.requestId ?? requestIdOf(transport.request);
    const sent = credentialOf(transport);
    const credential = sent ?? defaultCredential;
    if (sent === null && credential !== null && transport.connection && !devKeyNoticed.has(transport.connection)) {
      // A misnamed credential (connectionParams.authToken, say) would otherwise pass unnoticed.
      devKeyNoticed.add(transport.connection);
      deps.log.warn('graphql-ws connection without a credential: using the embedded emulator development key', {
        requestId,
        connectionParams: Object.keys(transport.connectionParams ?? {}).slice(0, 20),
        expected: 'connectionParams.authorization = "Bearer <key>"',
      });
    }
    const credentialScope = credential ? scopeOf(credential) : 'anonymous';
    const api = credential
      ? createCoordinatorApi(deps.client, {
          credential,
          signal: transport.request?.signal,
          deadline: Date.now() + config.requestTimeoutMs,
          onRateLimit: (info) => rateLimits.record(credentialScope, info),
        })
      : unauthenticatedApi;
    return {
      requestId,
      api,
      credentialScope,
      credential,
      live,
      idempotency,
      rateLimits,
      log: deps.log.child({ requestId }),
      memo: new Map(),
    };
  };

  const addReplyHeaders = replyHeaders(defaultCredential);
  const corsPolicy = corsOptions(config, defaultCredential !== null);
  const admission = createOperationAdmission(config, deps.persistedOperations, deps.apq ?? createMemoryApqStore());
  const yoga = createYoga<TransportContext, Context>({
    schema: getSchema(),
    context,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    batching: false,
    parserAndValidationCache: boundedParserCaches(),
    // No file uploads in this schema: multipart bodies are refused (415) instead of half-parsed.
    multipart: false,
    // Enforced by security.ts, which streams only bodies without a Content-Length.
    maxRequestBodySize: false,
    // The persisted-operations plugin also takes the id as a `documentId` request parameter.
    extraParamNames: deps.persistedOperations ? ['documentId'] : undefined,
    logging: yogaLogging(deps.log, logScope),
    maskedErrors: { isDev: config.dev, maskError },
    graphiql: {
      title: 'ScaiMind GraphQL gateway',
      defaultQuery: GRAPHIQL_EXAMPLES,
    },
    renderGraphiQL: offlineGraphiQL(),
    cors: corsPolicy,
    plugins: [
      // Operations with @defer/@stream stay on Yoga's executor, which delivers them incrementally.
      useCompiledExecution(),
      useDeferStream(),
      ...(logScope ? [useRequestScope(logScope)] : []),
      // Before metrics and tracing, so they count the codes clients see; before the security
      // plugins, so an operation they stop still gets its request id.
      useErrorMapping({
        isDev: config.dev,
        requestIdOf,
        log: deps.log,
        onUpstreamFailure: createUpstreamFailureLog(deps.log, { now: deps.now }),
      }),
      ...(deps.metrics ? [deps.metrics.plugin()] : []),
      ...(deps.tracing ? [deps.tracing.plugin()] : []),
      ...securityPlugins(config, { admission }),
      // graphql-sse's protocol (both modes) next to Yoga's own SSE, under the same admission.
      useGraphQLSse({
        endpoint: '/graphql/stream',
        maxBodyBytes: config.maxBodyBytes,
        requestIdOf,
        admit: admission,
        refusals: (errors, requestId) => refusalErrors(errors, requestId, config.dev, deps.log),
      }),
      { onResponse: ({ request, response }) => addReplyHeaders(request, response.headers) },
    ],
  });
  return Object.assign(yoga, {
    admit: admission,
    // At debug level each request runs inside a log scope that only Yoga's full path sets up.
    executeJsonPost: logScope ? async () => null : directExecution(yoga, corsPolicy, addReplyHeaders),
    refusals: (errors: readonly unknown[], requestId: string) => refusalErrors(errors, requestId, config.dev, deps.log),
  });
}
