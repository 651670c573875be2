/**
 * The one place where failures become client-visible GraphQL errors.
 *
 * Every error a client sees carries `extensions.code` from the closed set below (plus the codes
 * graphql-yoga itself uses for transport problems: GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
 * BAD_REQUEST, ...). Anything not recognised is masked as INTERNAL_SERVER_ERROR and logged with the
 * request id; a credential, a stack or a raw upstream body never reaches a client.
 */
import { GraphQLError } from 'graphql';
import { CoordinatorError } from './coordinator/errors.js';

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
  const message = passMessage && error.upstreamMessage ? error.upstreamMessage : MESSAGES[code];
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

/**
 * Maps one execution error to its client-visible form; `logUnexpected` gets the original of
 * anything masked. Errors that already carry a code (ours, Yoga's) pass unchanged.
 */
export function mapExecutionError(error: GraphQLError, logUnexpected: (error: unknown) => void): GraphQLError {
  const original = error.originalError;
  let mapped: GraphQLError | null = null;
  if (original instanceof CoordinatorError) {
    mapped = fromCoordinatorError(original);
    if (mapped.extensions.code === 'INTERNAL_SERVER_ERROR') logUnexpected(original);
  } else if (original instanceof GraphQLError && typeof original.extensions?.code === 'string') {
    mapped = original;
  } else if (original === undefined && typeof error.extensions?.code === 'string') {
    return error;
  } else if (isInputError(original)) {
    mapped = gatewayError('BAD_USER_INPUT', (original as Error).message);
  } else {
    logUnexpected(original ?? error);
    mapped = gatewayError('INTERNAL_SERVER_ERROR');
  }
  return new GraphQLError(mapped.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: mapped.extensions,
  });
}
