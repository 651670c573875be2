/** ScaiGrid error codes the emulator emits, with their HTTP statuses (contract: "Error codes"). */
export const ERROR_STATUS = {
  AUTH_TOKEN_MISSING: 401,
  AUTH_TOKEN_INVALID: 401,
  AUTHZ_PERMISSION_DENIED: 403,
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  FAILED_PRECONDITION: 409,
  VALIDATION_ERROR: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldDetail {
  field: string;
  message: string;
}

/** A failure that becomes the ScaiGrid error envelope; thrown by handlers, caught by the server. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: FieldDetail[] | undefined;
  readonly retryAfter: number | undefined;

  /** A known code takes its documented status; any other code (injected faults) needs `status`. */
  constructor(
    code: ErrorCode | (string & {}),
    message: string,
    options: { details?: FieldDetail[]; retryAfter?: number; status?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code as ErrorCode] ?? 500;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }
}

/**
 * 400 INVALID_ARGUMENT for one field. As the contract says, `details` come only with validation
 * errors (422): a 400 names the field only in its message, `<field>: <problem>`.
 */
export function invalidArgument(field: string, message: string): ApiError {
  return new ApiError('INVALID_ARGUMENT', `${field}: ${message}`);
}

/** 422 VALIDATION_ERROR carrying every offending field at once. */
export function validationError(details: FieldDetail[]): ApiError {
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  return new ApiError('VALIDATION_ERROR', `Request validation failed: ${summary}`, { details });
}

export function notFound(kind: string, id: string): ApiError {
  return new ApiError('NOT_FOUND', `${kind} ${id} not found`);
}

export function failedPrecondition(message: string): ApiError {
  return new ApiError('FAILED_PRECONDITION', message);
}

/** The body of an error reply, exactly as ScaiGrid shapes it. */
export function errorBody(
  requestId: string,
  code: string,
  message: string,
  extra: { details?: FieldDetail[] | undefined; retryAfter?: number | undefined } = {},
): unknown {
  const error: Record<string, unknown> = { code, message };
  if (extra.retryAfter !== undefined) error.retry_after = extra.retryAfter;
  if (extra.details !== undefined) error.details = extra.details;
  return { status: 'error', error, meta: { request_id: requestId } };
}
