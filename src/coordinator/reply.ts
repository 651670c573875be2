/**
 * Reading one coordinator reply: the envelope, the error body, the rate-limit and retry headers.
 * Every check of a reply's shape happens here, once, so a body the contract does not allow becomes
 * one `MALFORMED_RESPONSE` whatever route or status it came with.
 */
import type { RateLimitInfo } from './domain.js';
import { CoordinatorError, type CoordinatorErrorDetail, codeForStatus } from './errors.js';
import { isRecord, toNumber } from './wire.js';

export type ReplyHeaders = Record<string, string | string[] | undefined>;

/** A successful (2xx) reply with the envelope removed. */
export interface CoordinatorResponse<T = unknown> {
  /** The envelope's `data`, or the whole body when the coordinator sent it bare. Always a JSON object. */
  data: T;
  status: number;
  rateLimit: RateLimitInfo | null;
  requestId: string | null;
}

/** Who made the call, as errors report it. */
export interface ReplyOrigin {
  method: string;
  /** `METHOD /template`. */
  label: string;
  /** Kept only to scrub it from upstream error text. */
  credential: string | null;
}

export type Reply<T> = { ok: true; response: CoordinatorResponse<T> } | { ok: false; error: CoordinatorError };

function headerValue(headers: ReplyHeaders, name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : (value[0] ?? null);
}

/** Parses the `X-Scaigrid-Ratelimit-*` headers; null when the reply had none. */
export function parseRateLimit(headers: ReplyHeaders, nowMs = Date.now()): RateLimitInfo | null {
  const limit = headerValue(headers, 'x-scaigrid-ratelimit-limit');
  const remaining = headerValue(headers, 'x-scaigrid-ratelimit-remaining');
  const reset = headerValue(headers, 'x-scaigrid-ratelimit-reset');
  if (limit === null && remaining === null && reset === null) return null;
  let resetSeconds = toNumber(reset);
  // Some gateways send the reset as an epoch timestamp rather than a delta.
  if (resetSeconds !== null && resetSeconds > 1e9) resetSeconds = Math.max(0, Math.ceil(resetSeconds - nowMs / 1000));
  return { limit: toNumber(limit), remaining: toNumber(remaining), resetSeconds };
}

/** `Retry-After` as delta-seconds or an HTTP date → seconds (never negative). */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (value === null || value === '') return null;
  const seconds = toNumber(value);
  if (seconds !== null) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** The part of the Authorization value that is secret (the token after the scheme). */
function secretOf(credential: string | null): string | null {
  if (!credential) return null;
  const space = credential.indexOf(' ');
  const token = space >= 0 ? credential.slice(space + 1).trim() : credential;
  return token.length >= 4 ? token : null;
}

/** Upstream text may echo what it was sent; make sure the caller's token never travels on. */
function scrub(text: string, secret: string | null): string {
  return secret !== null && text.includes(secret) ? text.replaceAll(secret, '[REDACTED]') : text;
}

function detailsOf(value: unknown, secret: string | null): CoordinatorErrorDetail[] {
  const out: CoordinatorErrorDetail[] = [];
  if (!Array.isArray(value)) return out;
  for (const item of value) {
    if (!isRecord(item)) continue;
    const field = typeof item.field === 'string' ? item.field : '';
    const message = typeof item.message === 'string' ? scrub(item.message, secret) : '';
    out.push({ field, message });
  }
  return out;
}

function requestIdOf(body: unknown, headers: ReplyHeaders): string | null {
  if (isRecord(body) && isRecord(body.meta) && typeof body.meta.request_id === 'string') return body.meta.request_id;
  return headerValue(headers, 'x-request-id');
}

/** `{"status":"ok","data":…}` (status optional) versus a bare payload that merely has a `data` key. */
function isEnvelope(body: Record<string, unknown>): boolean {
  return 'data' in body && (body.status === undefined || body.status === 'ok');
}

function malformed(origin: ReplyOrigin, status: number, headers: ReplyHeaders, what: string): CoordinatorError {
  return new CoordinatorError({
    kind: 'malformed',
    code: 'MALFORMED_RESPONSE',
    status,
    // The body itself stays out of the message: it may be huge, or echo the request.
    message: `${origin.label} returned a malformed ${status} reply (${what})`,
    method: origin.method,
    route: origin.label,
    requestId: headerValue(headers, 'x-request-id'),
    retryAfterSeconds: parseRetryAfter(headerValue(headers, 'retry-after')),
    rateLimit: parseRateLimit(headers),
  });
}

/**
 * Turns a reply (any status, body read in full) into a response or a `CoordinatorError`. A 2xx
 * must carry a JSON object (every endpoint answers with one); an error status, the error envelope
 * or nothing.
 */
export function readReply<T>(origin: ReplyOrigin, status: number, headers: ReplyHeaders, text: string): Reply<T> {
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, error: malformed(origin, status, headers, 'not JSON') };
    }
  }
  const ok = status >= 200 && status < 300;
  const record = isRecord(body) ? body : null;
  if (text.length > 0 && record === null) {
    return { ok: false, error: malformed(origin, status, headers, 'unexpected JSON shape') };
  }
  // A 2xx that still carries the error envelope is an error all the same.
  if (ok && !(record !== null && record.status === 'error' && isRecord(record.error))) {
    const data = record !== null && isEnvelope(record) ? record.data : body;
    if (!isRecord(data)) {
      return { ok: false, error: malformed(origin, status, headers, 'no object payload') };
    }
    const response = {
      data: data as T,
      status,
      rateLimit: parseRateLimit(headers),
      requestId: requestIdOf(body, headers),
    };
    return { ok: true, response };
  }

  const wireError = record !== null && isRecord(record.error) ? record.error : null;
  const code = typeof wireError?.code === 'string' && wireError.code ? wireError.code : codeForStatus(status);
  const secret = secretOf(origin.credential);
  const upstreamMessage = typeof wireError?.message === 'string' ? scrub(wireError.message, secret) : '';
  const error = new CoordinatorError({
    kind: 'http',
    code,
    status,
    message: `${origin.label} failed: ${status} ${code}${upstreamMessage ? `: ${upstreamMessage}` : ''}`,
    upstreamMessage: upstreamMessage || null,
    method: origin.method,
    route: origin.label,
    requestId: requestIdOf(body, headers),
    retryAfterSeconds: toNumber(wireError?.retry_after) ?? parseRetryAfter(headerValue(headers, 'retry-after')),
    details: detailsOf(wireError?.details, secret),
    rateLimit: parseRateLimit(headers),
  });
  return { ok: false, error };
}
