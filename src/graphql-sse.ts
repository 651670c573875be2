/**
 * The GraphQL over Server-Sent Events protocol (the `graphql-sse` library's), in both of its modes:
 * distinct connections (one streamed POST per operation) and single connection (a reserved stream,
 * operations POSTed against its token), served by that library's own handler at
 * `<graphql endpoint>/stream`.
 *
 * Yoga's plugin for it hands the request straight to parse and execute, past the request-level
 * policy; here each request passes the same CSRF rule and body limit as the GraphQL endpoint, the
 * operation the same admission (persisted operations), and refusals carry codes and the request id.
 * Yoga's own SSE on the GraphQL endpoint (`Accept: text/event-stream`) stays as it is.
 */
import { type DocumentNode, type ExecutionArgs, type GraphQLError, getOperationAST } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { gatewayError, requestError } from './errors.js';
import { CSRF_HEADERS, cannotBeCrossSiteSimpleRequest, declaredLengthRefusal } from './security.js';

/** The header the single-connection mode carries its stream token in (a custom header: preflighted). */
const STREAM_TOKEN_HEADER = 'x-graphql-event-stream-token';
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** What a cross-site page could make a browser send without a preflight. */
function isSimpleCrossSiteCandidate(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'POST' && request.method !== 'HEAD') return false;
  const contentType = request.headers.get('content-type')?.toLowerCase();
  if (request.method === 'POST' && contentType && !SIMPLE_CONTENT_TYPES.some((type) => contentType.startsWith(type))) {
    return false;
  }
  if (cannotBeCrossSiteSimpleRequest(request.headers) || request.headers.has(STREAM_TOKEN_HEADER)) return false;
  return !CSRF_HEADERS.some((header) => request.headers.has(header));
}

export interface GraphQLSseOptions {
  /** Path of the protocol's endpoint, e.g. `/graphql/stream`. */
  endpoint: string;
  maxBodyBytes: number;
  /** The request id of a request (stable per request). */
  requestIdOf: (request: Request) => string;
  /** The operation-admission policy shared by all transports; may fill in `query`. */
  admit: (params: GraphQLSseParams) => GraphQLSseParams | Promise<GraphQLSseParams>;
  /** Refusals (admission, parse, validation) in client-visible form, with the request id. */
  refusals: (errors: readonly unknown[], requestId: string) => GraphQLError[];
}

export interface GraphQLSseParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** A refused request as graphql-sse's handler answers (body, init), with the error's status. */
function refusalParts(error: GraphQLError, requestId: string): readonly [string, ResponseInit] {
  const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 400;
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  const body = JSON.stringify({ errors: [{ message: error.message, extensions: { ...extensions, requestId } }] });
  return [body, { status, headers: { 'content-type': 'application/json; charset=utf-8' } }];
}

function refusal(error: GraphQLError, requestId: string): Response {
  const [body, init] = refusalParts(error, requestId);
  return new Response(body, init);
}

export function useGraphQLSse(options: GraphQLSseOptions): Plugin<YogaInitialContext> {
  let handler: ((request: Request) => Promise<Response>) | undefined;
  return {
    onYogaInit({ yoga }) {
      handler = createHandler(
        {
          onSubscribe: async (req, params) => {
            const requestId = options.requestIdOf(req.raw);
            let admitted: GraphQLSseParams;
            try {
              admitted = await options.admit(params);
            } catch (error) {
              const [refused] = options.refusals([error], requestId);
              return refusalParts(refused as GraphQLError, requestId) as never;
            }
            const enveloped = yoga.getEnveloped({ request: req.raw, params: admitted });
            let document: DocumentNode;
            try {
              document = enveloped.parse(String(admitted.query ?? ''));
            } catch (error) {
              return { errors: options.refusals([error], requestId) } as never;
            }
            const errors = enveloped.validate(enveloped.schema, document);
            if (errors.length) return { errors: options.refusals(errors, requestId) } as never;
            const operationName = typeof admitted.operationName === 'string' ? admitted.operationName : undefined;
            const operation = getOperationAST(document, operationName);
            if (!operation) {
              const error = gatewayError('BAD_USER_INPUT', 'Could not determine what operation to execute.');
              return { errors: options.refusals([error], requestId) } as never;
            }
            const args: ExecutionArgs = {
              schema: enveloped.schema,
              document,
              operationName,
              variableValues: (admitted.variables ?? undefined) as ExecutionArgs['variableValues'],
              contextValue: await enveloped.contextFactory(),
            };
            const run = operation.operation === 'subscription' ? enveloped.subscribe : enveloped.execute;
            return (await run(args)) as never;
          },
        },
        yoga.fetchAPI,
      );
    },
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== options.endpoint || !handler) return;
      const requestId = options.requestIdOf(request);
      if (isSimpleCrossSiteCandidate(request)) {
        endResponse(
          refusal(
            requestError(
              'BAD_REQUEST',
              `Required CSRF header missing: send an Authorization header or one of ${CSRF_HEADERS.join(', ')} (any value), or JSON.`,
              403,
            ),
            requestId,
          ),
        );
        return;
      }
      if (request.body !== null && request.method !== 'GET') {
        const declared = request.headers.get('content-length');
        // graphql-sse reads the whole body itself: only a declared, bounded length gets that far.
        const error =
          declared === null
            ? requestError('BAD_REQUEST', 'Send a Content-Length with the request body.', 411)
            : declaredLengthRefusal(declared, options.maxBodyBytes);
        if (error) {
          endResponse(refusal(error, requestId));
          return;
        }
      }
      return handler(request).then(endResponse);
    },
  };
}
