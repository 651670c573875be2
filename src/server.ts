/**
 * startServer: one node:http server for everything on one port: GraphQL over HTTP (and SSE) via
 * Yoga, graphql-ws on the same path, `/health` and `/ready`. Listening and stopping are explicit;
 * only `main.ts` wires signals to `stop()`.
 */

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ExecutionArgs, getOperationAST } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { acceptRequestId, type Gateway, type TransportContext } from './app.js';
import { gatewayError, type RequestErrorCode, requestError } from './errors.js';
import { createReadRequestHandler, readDeclaredBody } from './json-post.js';
import { writeResponse } from './node-response.js';
import type { StaticSite } from './static-site.js';

const SHUTTING_DOWN = 'The gateway is shutting down.';
const shuttingDown = () => requestError('UNAVAILABLE', SHUTTING_DOWN, 503);

export interface ServerOptions {
  host: string;
  port: number;
  /** graphql-ws keep-alive ping interval. */
  keepAliveMs?: number;
  /**
   * The body limit (default 100 000 bytes), for HTTP request bodies and WebSocket frames alike.
   * A body that declares a length within it is read here in one go; others are left to Yoga,
   * which streams and counts them (security.ts). A larger frame closes its socket with 1009
   * before it is buffered, authenticated or not.
   */
  maxBodyBytes?: number;
  /** How long `stop()` waits for in-flight operations before closing sockets. */
  shutdownGraceMs?: number;
  /** Readiness beyond "not shutting down" (e.g. the coordinator answers). */
  ready?: () => Promise<boolean> | boolean;
  /**
   * How long `stop()` keeps serving with `/ready` at 503 before it closes anything, so a load
   * balancer stops routing here first. Default 0.
   */
  drainDelayMs?: number;
  /**
   * Runs in `stop()` once WebSockets are closed and before HTTP connections are awaited: ends
   * long-lived work the server cannot see (the live hub's SSE streams and pollers).
   */
  onDrain?: () => Promise<void>;
  /** The runs page at `/` (web/dist, loaded by `loadStaticSite`); without it `/` is a 404. */
  site?: StaticSite | null;
  /**
   * Origins whose pages may open a graphql-ws socket (the CORS origins); `'*'` or omitted: any.
   * A browser always sends `Origin` with a WebSocket and cross-site pages can open one (no CORS
   * applies to the upgrade), so a listed set refuses other origins at the upgrade with 403
   * (cross-site WebSocket hijacking). Requests without `Origin` are not from a browser page: allowed.
   */
  allowedOrigins?: '*' | readonly string[];
}

/** Listening failed because of the address (taken, not ours, not on this host): `message` says which. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    readonly address: string,
    readonly code: string,
  ) {
    const why =
      code === 'EADDRINUSE'
        ? 'is already in use (another process listens there: stop it, or set PORT)'
        : code === 'EACCES'
          ? 'needs privileges this process lacks (use a port above 1023, or set PORT)'
          : 'is not an address of this host (check HOST)';
    super(`Cannot listen on ${address}: it ${why}.`);
  }
}

const LISTEN_ERROR_CODES = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL']);

function listen(httpServer: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      reject(error.code && LISTEN_ERROR_CODES.has(error.code) ? new ListenError(address, error.code) : error);
    };
    httpServer.once('error', failed);
    httpServer.listen(port, host, () => {
      httpServer.off('error', failed);
      resolve();
    });
  });
}

export interface RunningServer {
  readonly url: string;
  readonly httpServer: Server;
  stop(): Promise<void>;
}

interface Enveloped {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

export async function startServer(gateway: Gateway, options: ServerOptions): Promise<RunningServer> {
  const keepAliveMs = options.keepAliveMs ?? 12_000;
  const maxBodyBytes = options.maxBodyBytes ?? 100_000;
  const serveReadRequest = createReadRequestHandler(gateway);
  let stopping = false;
  /** Open event-stream responses (SSE subscriptions): cut at shutdown, see `stop()`. */
  const eventStreams = new Set<ServerResponse>();

  const httpServer = createHttpServer(async (req, res) => {
    const path = req.url?.split('?')[0];
    // While stopping, every reply closes its connection so keep-alive sockets drain.
    if (stopping) res.setHeader('connection', 'close');
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path === '/ready') {
      const ready = !stopping && (options.ready ? await options.ready() : true);
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : stopping ? 'shutting_down' : 'not_ready' }));
      return;
    }
    if (stopping) {
      // In-flight operations finish; new ones go to another instance.
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end(
        JSON.stringify({
          errors: [{ message: SHUTTING_DOWN, extensions: { code: 'UNAVAILABLE' satisfies RequestErrorCode } }],
        }),
      );
      return;
    }
    if (path !== undefined && options.site?.handle(req, res, path)) return;
    if (req.headers.accept?.includes('text/event-stream')) {
      eventStreams.add(res);
      res.once('close', () => eventStreams.delete(res));
    }
    return serveGateway(req, res);
  });

  async function serveGateway(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = readDeclaredBody(req, maxBodyBytes);
    const read = body === null ? null : await body;
    if (body !== null && read === null) return; // the client went away mid-body
    let response: Response;
    try {
      response =
        read === null ? await gateway.handleNodeRequestAndResponse(req, res) : await serveReadRequest(req, res, read);
    } catch (error) {
      // Yoga answers its own failures; this is the last resort, masked and logged like the rest.
      const requestId = acceptRequestId(req.headers['x-request-id']?.toString());
      const errors = JSON.stringify({ errors: gateway.refusals([error], requestId) });
      response = new gateway.fetchAPI.Response(errors, {
        status: 500,
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId },
      });
    }
    await writeResponse(response, req, res);
  }
  // Idle sockets must outlive the WebSocket ping interval, or proxies see spurious closes.
  httpServer.keepAliveTimeout = keepAliveMs + 5_000;
  httpServer.headersTimeout = keepAliveMs + 10_000;

  // Listen before the WebSocket server is attached: it re-emits the HTTP server's errors, and a
  // port in use would otherwise also surface as graphql-ws's "internal error" besides our message.
  await listen(httpServer, options.port, options.host);

  const allowed =
    options.allowedOrigins === undefined || options.allowedOrigins === '*' ? null : new Set(options.allowedOrigins);
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: gateway.graphqlEndpoint,
    maxPayload: maxBodyBytes,
    verifyClient:
      allowed === null
        ? undefined
        : (info, done) => {
            const origin = info.req.headers.origin;
            if (origin === undefined || allowed.has(origin)) done(true);
            else done(false, 403, 'Origin not allowed');
          },
  });
  const wsDisposable = useServer<Record<string, unknown>, { requestId: string }>(
    {
      // What escapes execution (Yoga catches the same over HTTP) is an error result for this
      // operation, not a 4500 that would close the socket and every subscription on it.
      execute: async (args) => {
        try {
          return (await (args.rootValue as Enveloped).execute(args)) as never;
        } catch (error) {
          const { requestId } = args.contextValue as { requestId: string };
          return { errors: gateway.refusals([error], requestId) } as never;
        }
      },
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
      onConnect: () => !stopping,
      onSubscribe: async (ctx, _id, payload) => {
        const requestId = acceptRequestId(ctx.extra.request.headers['x-request-id']?.toString());
        if (stopping) return gateway.refusals([shuttingDown()], requestId);
        const transport: TransportContext = { connection: ctx, connectionParams: ctx.connectionParams, requestId };
        const { schema, execute, subscribe, contextFactory, parse, validate } = gateway.getEnveloped(transport);
        let params: typeof payload;
        let document: ReturnType<typeof parse>;
        try {
          // The same admission as HTTP and SSE (persisted operations, variables), then the same
          // parse and validation plugins (tokens, depth, aliases, directives, introspection).
          params = (await gateway.admit(payload)) as typeof payload;
          document = parse(params.query);
        } catch (error) {
          return gateway.refusals([error], requestId);
        }
        const errors = validate(schema, document);
        if (errors.length) return gateway.refusals(errors, requestId);
        if (!getOperationAST(document, params.operationName)) {
          // graphql-ws would answer this itself, without a code: say it as HTTP does.
          const error = gatewayError('BAD_USER_INPUT', 'Could not determine what operation to execute.');
          return gateway.refusals([error], requestId);
        }
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies Enveloped,
        };
        return args;
      },
    },
    wsServer,
    keepAliveMs,
  );

  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}${gateway.graphqlEndpoint}`,
    httpServer,
    async stop() {
      if (stopping) return;
      stopping = true;
      if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
      // graphql-ws closes every socket with 1001 "Going away", so clients reconnect elsewhere;
      // closing a socket returns its subscriptions' iterators, which releases their subscribers.
      await wsDisposable.dispose();
      // Likewise for SSE: cut the streams before the live hub ends their subscriptions, which would
      // send `complete`, the end of a finished run. A stream cut without it is what graphql-sse's
      // client (and EventSource) take as a dropped connection, and reconnect.
      for (const stream of eventStreams) stream.destroy();
      await options.onDrain?.();
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      const grace = setTimeout(() => httpServer.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
      await closed;
      clearTimeout(grace);
    },
  };
}
