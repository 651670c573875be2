/**
 * The one place where failures become client-visible GraphQL errors: the closed set of
 * `extensions.code` values, the constructors for them, and the mapping every error passes through.
 *
 * Two families share the set. Errors raised while resolving (`ERROR_CODES`) are thrown from
 * anywhere with `gatewayError`; coordinator failures and input-coercion errors are mapped here.
 * Requests refused before execution (`REQUEST_ERROR_CODES`: transport, document limits, persisted
 * operations, shutdown) are built with `requestError`, or come from Yoga and its plugins with
 * those same codes. Anything not recognised is masked as INTERNAL_SERVER_ERROR and logged with the
 * request id; a credential, a stack or a raw upstream body never reaches a client.
 *
 * `useErrorMapping` applies the mapping to every execution result (HTTP, SSE, graphql-ws) and is
 * the gateway's error plugin; `maskError` is the same mapping in the shape Yoga's `maskedErrors`
 * takes, for what Yoga catches outside execution.
 */
import { GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin, maskError as yogaMaskError } from 'graphql-yoga';
import type { Context } from './context.js';
import { CoordinatorError } from './coordinator/errors.js';
import type { Logger } from './log.js';

/** Codes of errors raised while an operation executes (a field, a subscription). */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes of requests refused before anything executes; they carry an HTTP status. */
export const REQUEST_ERROR_CODES = [
  /** Malformed or unacceptable HTTP request: JSON, parameters, method, media type, CSRF header. */
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  /** Invalid against the schema, or over a document limit (`extensions.limit`). */
  'GRAPHQL_VALIDATION_FAILED',
  'REQUEST_ENTITY_TOO_LARGE',
  'PERSISTED_QUERY_ONLY',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'PERSISTED_QUERY_ID_REQUIRED',
  /** Automatic persisted queries: the hash is unknown here; send it again with the query text. */
  'PERSISTED_QUERY_NOT_FOUND',
  /** The gateway is shutting down: retry on another instance. */
  'UNAVAILABLE',
] as const;
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];

/** Every `extensions.code` a client can see. */
export const CLIENT_ERROR_CODES: readonly string[] = [...ERROR_CODES, ...REQUEST_ERROR_CODES];

export interface ErrorExtras {
  /** Seconds the client should wait before retrying (RATE_LIMITED, UPSTREAM_UNAVAILABLE). */
  retryAfter?: number | null;
  upstreamRequestId?: string | null;
  /** Field-level details of invalid input, as the coordinator named them. */
  fields?: ReadonlyArray<{ field: string; message: string }>;
}

const MESSAGES: Record<ErrorCode, string> = {
  UNAUTHENTICATED: 'Authentication required: send "Authorization: Bearer <ScaiGrid API key or token>".',
  FORBIDDEN: 'Your token lacks the permission this operation needs.',
  NOT_FOUND: 'Not found.',
  BAD_USER_INPUT: 'The coordinator rejected the input.',
  CONFLICT: "The resource's current state does not allow this action.",
  RATE_LIMITED: 'The coordinator rate limit was reached; retry after the indicated time.',
  UPSTREAM_UNAVAILABLE: 'The training coordinator is unavailable; retry shortly.',
  UPSTREAM_TIMEOUT: 'The training coordinator did not answer in time.',
  INTERNAL_SERVER_ERROR: 'Unexpected error.',
};

/** A client-visible error with a stable code. Throw it from anywhere; it passes masking unchanged. */
export function gatewayError(code: ErrorCode, message = MESSAGES[code], extras: ErrorExtras = {}): GraphQLError {
  const extensions: Record<string, unknown> = { code };
  if (extras.retryAfter != null) extensions.retryAfter = extras.retryAfter;
  if (extras.upstreamRequestId) extensions.upstreamRequestId = extras.upstreamRequestId;
  if (extras.fields?.length) extensions.fields = extras.fields;
  return new GraphQLError(message, { extensions });
}

/**
 * A request refused before execution, with the HTTP status it answers (GraphQL-over-HTTP's
 * `application/graphql-response+json` uses it; plain JSON answers keep Yoga's own status rules).
 */
export function requestError(
  code: RequestErrorCode | 'BAD_USER_INPUT',
  message: string,
  status: number,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: requestErrorExtensions(code, status, extra) });
}

/** The extensions of `requestError`, for plugins that take them rather than an error. */
export function requestErrorExtensions(
  code: RequestErrorCode | 'BAD_USER_INPUT',
  status: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { code, ...extra, http: { status } };
}

/**
 * The coordinator's `error.code` is its stable key [doc]: classified first, so a FAILED_PRECONDITION
 * a deployment sends with 400 is still a CONFLICT. The HTTP status decides only without a known code.
 */
const CODE_BY_COORDINATOR_CODE: Readonly<Record<string, ErrorCode>> = {
  AUTH_TOKEN_MISSING: 'UNAUTHENTICATED',
  AUTH_TOKEN_INVALID: 'UNAUTHENTICATED',
  SESSION_EXPIRED: 'UNAUTHENTICATED',
  AUTH_INSUFFICIENT_SCOPE: 'FORBIDDEN',
  AUTHZ_PERMISSION_DENIED: 'FORBIDDEN',
  VALIDATION_ERROR: 'BAD_USER_INPUT',
  INVALID_ARGUMENT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  FAILED_PRECONDITION: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  DEADLINE_EXCEEDED: 'UPSTREAM_TIMEOUT',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** The code a coordinator failure maps to: also what mutations use to build `userErrors`. */
export function codeOfCoordinatorError(error: CoordinatorError): ErrorCode {
  switch (error.kind) {
    case 'timeout':
      return 'UPSTREAM_TIMEOUT';
    case 'network':
    case 'malformed':
    case 'circuit_open':
      return 'UPSTREAM_UNAVAILABLE';
    case 'aborted':
      return 'UPSTREAM_TIMEOUT';
    case 'throttled':
      return 'RATE_LIMITED';
    case 'http':
      break;
  }
  const byCode = Object.hasOwn(CODE_BY_COORDINATOR_CODE, error.code) ? CODE_BY_COORDINATOR_CODE[error.code] : undefined;
  if (byCode !== undefined) return byCode;
  switch (error.status) {
    case 400:
    case 422:
      return 'BAD_USER_INPUT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
      return 'UPSTREAM_UNAVAILABLE';
    case 504:
      return 'UPSTREAM_TIMEOUT';
    default:
      return 'INTERNAL_SERVER_ERROR';
  }
}

/**
 * Turns a coordinator failure into a client-visible error. Coordinator messages are passed through
 * for the codes whose detail the contract says is meant for users (4xx); 5xx detail stays hidden.
 */
export function fromCoordinatorError(error: CoordinatorError): GraphQLError {
  const code = codeOfCoordinatorError(error);
  const passMessage = error.kind === 'http' && error.status !== null && error.status < 500 && error.status !== 401;
  let message: string = MESSAGES[code];
  // The gateway's own throttling message says what the caller can do about it.
  if (error.kind === 'throttled') message = error.message;
  else if (passMessage && error.upstreamMessage) message = error.upstreamMessage;
  // A 401 means a credential was sent and refused: saying "send one" would mislead.
  else if (code === 'UNAUTHENTICATED' && error.status === 401) {
    message =
      'The coordinator rejected this credential (unknown, expired or revoked): send a valid "Authorization: Bearer <ScaiGrid API key or token>".';
  }
  return gatewayError(code, message, {
    retryAfter: error.retryAfterSeconds,
    upstreamRequestId: error.requestId,
    fields: code === 'BAD_USER_INPUT' ? error.details : undefined,
  });
}

/** True for errors thrown by graphql-js or Pothos while coercing input (bad IDs, bad arguments). */
function isInputError(error: unknown): boolean {
  return error instanceof Error && error.name === 'PothosValidationError';
}

export interface MappingOptions {
  /**
   * The error was raised outside any field: execution never started (variables that do not fit
   * the operation, no operation to choose), or the request was refused before it. Such an error
   * without a code is the client's, so it becomes BAD_USER_INPUT with HTTP 400 rather than an
   * unexpected (masked) one.
   */
  beforeExecution?: boolean;
  /** Development mode: keep `extensions.originalError` where Yoga adds one. */
  isDev?: boolean;
  /** Gets the original of anything masked. */
  onUnexpected?: (error: unknown) => void;
}

const CLIENT_CODES = new Set(CLIENT_ERROR_CODES);

function rebuild(error: GraphQLError, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
}

/**
 * A code from outside the closed set (a library's): Yoga's OPERATION_RESOLUTION_FAILURE (no
 * operation matches `operationName`) is the client's input, as graphql-js reports it over
 * graphql-ws; any other one with a 4xx status is a BAD_REQUEST; the rest is unexpected.
 */
function closedCode(error: GraphQLError, options: MappingOptions): GraphQLError {
  const extensions = error.extensions as Record<string, unknown>;
  const code = extensions.code as string;
  let out: Record<string, unknown> = extensions;
  if (!CLIENT_CODES.has(code)) {
    const status = (extensions.http as { status?: unknown } | undefined)?.status;
    if (code === 'OPERATION_RESOLUTION_FAILURE') out = { ...extensions, code: 'BAD_USER_INPUT' };
    else if (typeof status === 'number' && status >= 400 && status < 500) out = { ...extensions, code: 'BAD_REQUEST' };
    else {
      options.onUnexpected?.(error);
      return rebuild(error, MESSAGES.INTERNAL_SERVER_ERROR, { code: 'INTERNAL_SERVER_ERROR' });
    }
  }
  // Yoga puts the JSON parser's own error there (and reads its presence as "not a GraphQL error:
  // answer 400 even to application/json"); outside development mode the client gets the status
  // without the parser's internals.
  if ('originalError' in out && !options.isDev) {
    const { originalError: _dropped, http, ...rest } = out;
    const { spec: _spec, ...status } = (http ?? {}) as Record<string, unknown>;
    out = http === undefined ? rest : { ...rest, http: status };
  }
  return out === extensions ? error : rebuild(error, error.message, out);
}

/**
 * Maps one error to its client-visible form. Errors that already carry a code of the closed set
 * pass unchanged; coordinator failures get theirs; input errors are BAD_USER_INPUT; anything else
 * is masked and handed to `onUnexpected`.
 */
export function toClientError(error: GraphQLError, options: MappingOptions = {}): GraphQLError {
  const original = error.originalError;
  if (original instanceof CoordinatorError) {
    const mapped = fromCoordinatorError(original);
    if (mapped.extensions.code === 'INTERNAL_SERVER_ERROR') options.onUnexpected?.(original);
    return rebuild(error, mapped.message, mapped.extensions);
  }
  if (original instanceof GraphQLError && typeof original.extensions?.code === 'string') {
    return closedCode(rebuild(error, original.message, original.extensions), options);
  }
  if (original === undefined && typeof error.extensions?.code === 'string') return closedCode(error, options);
  if (options.beforeExecution && error.path === undefined) {
    return rebuild(error, error.message, {
      ...error.extensions,
      code: 'BAD_USER_INPUT',
      http: { status: 400, spec: true },
    });
  }
  if (isInputError(original)) {
    return rebuild(error, (original as Error).message, { code: 'BAD_USER_INPUT' });
  }
  options.onUnexpected?.(original ?? error);
  return rebuild(error, MESSAGES.INTERNAL_SERVER_ERROR, { code: 'INTERNAL_SERVER_ERROR' });
}

/** The error with the request id in its extensions (a copy: errors may be shared, e.g. cached). */
export function withRequestId(error: GraphQLError, requestId: string): GraphQLError {
  return rebuild(error, error.message, { ...error.extensions, requestId });
}

/**
 * The mapping as Yoga's `maskedErrors.maskError`: for what Yoga catches outside execution (request
 * parsing, plugins that throw). Execution results were mapped by `useErrorMapping` already and
 * pass unchanged; Yoga logs whatever this masks.
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  if (error instanceof CoordinatorError) return fromCoordinatorError(error);
  if (error instanceof GraphQLError && error.originalError instanceof CoordinatorError) return toClientError(error);
  return yogaMaskError(error, message, isDev);
}

/** Coordinator failures an operator should hear of: the coordinator's own, not the caller's (4xx). */
function isUpstreamFailure(error: CoordinatorError): boolean {
  if (error.kind === 'aborted') return false;
  if (error.kind !== 'http') return true;
  return error.status !== null && (error.status >= 500 || error.status === 429);
}

/** Distinct route + code pairs remembered by the upstream failure log (a fixed set in practice). */
const MAX_FAILURE_KEYS = 256;

/**
 * Logs coordinator failures at `info`, at most one line per route and code per `intervalMs`, with
 * the number of lines held back since the previous one (`suppressed`): a coordinator that is down
 * shows in the log without every failing field of every request writing a line. Route templates
 * and codes only: never a credential or a concrete path.
 */
export function createUpstreamFailureLog(
  log: Logger,
  options: { intervalMs?: number; now?: () => number } = {},
): (error: CoordinatorError, requestId: string) => void {
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  const last = new Map<string, { at: number; suppressed: number }>();
  return (error, requestId) => {
    if (!isUpstreamFailure(error)) return;
    const key = `${error.route}\u0000${error.code}`;
    const at = now();
    const entry = last.get(key);
    if (entry !== undefined && at - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    if (entry === undefined && last.size >= MAX_FAILURE_KEYS) last.clear();
    log.info('coordinator call failed', {
      route: error.route,
      code: error.code,
      kind: error.kind,
      status: error.status,
      requestId,
      suppressed: entry?.suppressed ?? 0,
    });
    last.set(key, { at, suppressed: 0 });
  };
}

export interface ErrorMappingOptions {
  isDev: boolean;
  /** The request id of an HTTP request (the one its context and `x-request-id` header carry). */
  requestIdOf: (request: Request) => string;
  /** Logs what is masked outside execution, with the request id. */
  log: Logger;
  /** Told every coordinator failure that reaches a client (see `createUpstreamFailureLog`). */
  onUpstreamFailure?: (error: CoordinatorError, requestId: string) => void;
}

/**
 * The one hook where errors become client-visible, on every transport. Execution results (HTTP,
 * SSE, graphql-ws all execute through it) are mapped with the operation's context: unexpected
 * errors logged with its request id. Over HTTP, what was refused before execution (parse,
 * validation, limits, CSRF, persisted operations, body) is mapped once more just before the
 * response is written, so that it too carries a closed-set code and the request id; graphql-ws
 * maps its own refusals with `refusalErrors`.
 */
export function useErrorMapping(options: ErrorMappingOptions): Plugin<Context> {
  const { isDev } = options;
  const mapResult = ({
    args,
    result,
    setResult,
  }: Parameters<Parameters<typeof handleStreamOrSingleExecutionResult>[1]>[0]) => {
    // Parts of an incremental (@defer / @stream) delivery carry their errors in `incremental[]`.
    const parts = (result as { incremental?: ReadonlyArray<{ errors?: readonly GraphQLError[] }> }).incremental;
    const partsFailed = parts?.some((part) => part.errors?.length) ?? false;
    if (!result.errors?.length && !partsFailed) return;
    const context = args.contextValue as Context;
    const mapErrors = (errors: readonly GraphQLError[], beforeExecution: boolean) =>
      errors.map((error: GraphQLError) => {
        if (error.originalError instanceof CoordinatorError) {
          options.onUpstreamFailure?.(error.originalError, context.requestId);
        }
        return withRequestId(
          toClientError(error, {
            beforeExecution,
            isDev,
            onUnexpected: (original) =>
              context.log.error('unexpected error', { error: original, path: error.path?.join('.') }),
          }),
          context.requestId,
        );
      });
    const mapped: typeof result = { ...result };
    if (result.errors?.length) mapped.errors = mapErrors(result.errors, !('data' in result));
    if (partsFailed && parts) {
      (mapped as { incremental?: unknown }).incremental = parts.map((part) =>
        part.errors?.length ? { ...part, errors: mapErrors(part.errors, false) } : part,
      );
    }
    setResult(mapped);
  };
  return {
    onExecute: () => ({ onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, mapResult) }),
    onSubscribe: () => ({ onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, mapResult) }),
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result || !result.errors?.length) return;
      if (result.errors.every((error) => typeof error.extensions?.requestId === 'string')) return;
      const requestId = options.requestIdOf(request);
      setResult({
        ...result,
        errors: result.errors.map((error) =>
          typeof error.extensions?.requestId === 'string'
            ? error
            : withRequestId(refusal(error, requestId, isDev, options.log), requestId),
        ),
      });
    },
  };
}

function refusal(error: unknown, requestId: string, isDev: boolean, log: Logger): GraphQLError {
  const onUnexpected = (original: unknown) => log.error('unexpected error', { requestId, error: original });
  if (!(error instanceof GraphQLError)) {
    onUnexpected(error);
    return gatewayError('INTERNAL_SERVER_ERROR');
  }
  return toClientError(error, { beforeExecution: true, isDev, onUnexpected });
}

/** graphql-ws refusals (admission, parse, validation, shutdown) in client-visible form, with the request id. */
export function refusalErrors(
  errors: readonly unknown[],
  requestId: string,
  isDev: boolean,
  log: Logger,
): GraphQLError[] {
  return errors.map((error) => withRequestId(refusal(error, requestId, isDev, log), requestId));
}
