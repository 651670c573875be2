import type { RateLimitInfo } from './domain.js';

/**
 * What went wrong talking to the coordinator:
 * - `http`: the coordinator answered with a non-2xx status and a readable error body;
 * - `timeout`: an attempt (or the caller's deadline) ran out of time;
 * - `network`: no usable reply (connection refused or reset, socket closed);
 * - `malformed`: a reply whose body is not the JSON the contract promises (any status);
 * - `aborted`: the caller's signal fired;
 * - `circuit_open`: the client refused to call an upstream that keeps failing;
 * - `throttled`: the caller's credential has its fair share of the connection pool in use and
 *   too many calls waiting (or waited past its deadline): the coordinator was never asked.
 */
export type CoordinatorErrorKind =
  | 'http'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'aborted'
  | 'circuit_open'
  | 'throttled';

/** One field-level problem from a 400/422 reply. */
export interface CoordinatorErrorDetail {
  field: string;
  message: string;
}

/** Everything a `CoordinatorError` is made of. */
export interface CoordinatorErrorInit {
  kind: CoordinatorErrorKind;
  code: string;
  /** Human text: the upstream `error.message` or our own description, never a raw body. */
  message: string;
  /** The coordinator's own `error.message` (scrubbed of the credential), meant for end users; null if none. */
  upstreamMessage?: string | null;
  method: string;
  /** Method and route template, e.g. `GET /jobs/{job_id}`. */
  route: string;
  status?: number | null;
  requestId?: string | null;
  retryAfterSeconds?: number | null;
  details?: ReadonlyArray<CoordinatorErrorDetail>;
  rateLimit?: RateLimitInfo | null;
  cause?: unknown;
}

const NO_DETAILS: ReadonlyArray<CoordinatorErrorDetail> = Object.freeze([]);

/**
 * The one error type for every failure of a coordinator call.
 *
 * It never carries the caller's credential or a raw upstream body: it is safe to log and to
 * serialise (`JSON.stringify` gives its fields plus the message). `route` is the route template,
 * so ids of other tenants' resources do not leak into logs or metrics either.
 */
export class CoordinatorError extends Error {
  override readonly name = 'CoordinatorError';
  readonly kind: CoordinatorErrorKind;
  /** HTTP status for `http` and `malformed` (the status of the reply whose body was bad). */
  readonly status: number | null;
  /**
   * `error.code` from the body for `http` (NOT_FOUND, RATE_LIMITED, UNAVAILABLE, ...), derived from
   * the status when the body has none; synthetic otherwise: DEADLINE_EXCEEDED (timeout),
   * UNAVAILABLE (network), MALFORMED_RESPONSE, ABORTED, CIRCUIT_OPEN, THROTTLED.
   */
  readonly code: string;
  /** `meta.request_id` of the reply, or its `X-Request-Id` header: what support asks for. */
  readonly requestId: string | null;
  /** `error.retry_after`, or the `Retry-After` header, in seconds. */
  readonly retryAfterSeconds: number | null;
  /** Field-level problems of a validation error (400 / 422); empty otherwise. */
  readonly details: ReadonlyArray<CoordinatorErrorDetail>;
  readonly method: string;
  /** Method and route template, e.g. `GET /jobs/{job_id}`. */
  readonly route: string;
  /** The rate-limit headers of the failed reply, if it had any (a 429 usually does). */
  readonly rateLimit: RateLimitInfo | null;
  /** The coordinator's own `error.message` for 'http' errors, fit to show a user (4xx) — null otherwise. */
  readonly upstreamMessage: string | null;
  /**
   * Where in the request the (first) offending field sits, in the gateway's own names:
   * `benchmarks[2].dataset` → ["benchmarks", "2", "dataset"], `checkpoint_id` → ["checkpointId"].
   * From `details` when present, else from a `field: ...` message; null when no field is named.
   */
  readonly fieldPath: string[] | null;

  constructor(init: CoordinatorErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.code = init.code;
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.details = init.details ?? NO_DETAILS;
    this.method = init.method;
    this.route = init.route;
    this.rateLimit = init.rateLimit ?? null;
    this.upstreamMessage = init.upstreamMessage ?? null;
    this.fieldPath = fieldPathOf(this.details, init.kind === 'http' ? (init.upstreamMessage ?? null) : null);
  }

  /** A log-safe plain object (the `cause`, which may come from the transport, is left out). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      code: this.code,
      status: this.status,
      requestId: this.requestId,
      retryAfterSeconds: this.retryAfterSeconds,
      details: this.details,
      method: this.method,
      route: this.route,
      rateLimit: this.rateLimit,
    };
  }
}

/** `benchmarks[2].dataset: ...` or `checkpoint_id: ...`: the way a 400 names its field in its message. */
const FIELD_IN_MESSAGE = /^([a-z][a-z0-9_]*(?:\[\d+\])*(?:\.[a-z][a-z0-9_]*(?:\[\d+\])*)*):\s/;

/**
 * Where the offending field is: `details` when the reply has them (422), else the field a 400 names
 * at the start of its message [doc: "a 400 usually names the field only in its message"].
 */
function fieldPathOf(details: ReadonlyArray<CoordinatorErrorDetail>, message: string | null): string[] | null {
  const field = details[0]?.field || (message === null ? undefined : FIELD_IN_MESSAGE.exec(message)?.[1]);
  return field ? requestPath(field) : null;
}

/** Wire maps whose keys are the client's own (benchmark parameters, labels): keys stay as sent. */
const MAP_FIELDS: ReadonlySet<string> = new Set(['parameters', 'labels', 'hyperparameters', 'environment', 'config']);

/**
 * A wire field path as request path segments in the gateway's camelCase:
 * `benchmarks[2].num_samples` → [benchmarks, 2, numSamples]; a map key after `parameters` stays as is.
 */
export function requestPath(wireField: string): string[] {
  const segments = wireField.split(/[.[\]]+/).filter(Boolean);
  return segments.map((segment, i) =>
    i > 0 && MAP_FIELDS.has(segments[i - 1] ?? '')
      ? segment
      : segment.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  );
}

/** True when `error` is a `CoordinatorError` (optionally of one of the given kinds). */
export function isCoordinatorError(error: unknown, ...kinds: CoordinatorErrorKind[]): error is CoordinatorError {
  return error instanceof CoordinatorError && (kinds.length === 0 || kinds.includes(error.kind));
}

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'AUTH_TOKEN_INVALID',
  403: 'AUTHZ_PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'FAILED_PRECONDITION',
  422: 'VALIDATION_ERROR',
  429: 'RATE_LIMITED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The contract's codes that name their status; `codeForStatus` covers the rest. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  AUTH_TOKEN_MISSING: 401,
  AUTH_TOKEN_INVALID: 401,
  SESSION_EXPIRED: 401,
  AUTH_INSUFFICIENT_SCOPE: 403,
  AUTHZ_PERMISSION_DENIED: 403,
  VALIDATION_ERROR: 422,
  RATE_LIMITED: 429,
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  FAILED_PRECONDITION: 409,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  INTERNAL: 500,
};

/**
 * The HTTP status an error code stands for, when an error arrives without one (an `event: error`
 * frame inside a 200 event stream); 500 for a code the contract does not list.
 */
export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/**
 * The code to report when a non-2xx reply carries none: the contract's own vocabulary where the
 * status has an obvious counterpart, so downstream mapping need not special-case bodiless errors.
 */
export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : `HTTP_${status}`);
}
