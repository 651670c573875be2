import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errorBody } from './errors.js';

/** Bodies above this are refused: the emulator is a test double, not a file store. */
const MAX_BODY_BYTES = 1_000_000;

export function newRequestId(): string {
  return `req_${randomBytes(8).toString('hex')}`;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** `{"status":"ok","data":...}` */
export function sendOk(res: ServerResponse, status: number, data: unknown): void {
  sendJson(res, status, { status: 'ok', data });
}

export function sendError(res: ServerResponse, requestId: string, error: ApiError): void {
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['Retry-After'] = String(error.retryAfter);
  sendJson(
    res,
    error.status,
    errorBody(requestId, error.code, error.message, { details: error.details, retryAfter: error.retryAfter }),
    headers,
  );
}

/** Reads the whole request body as text (always consumed, so keep-alive connections stay usable). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new ApiError('INVALID_ARGUMENT', 'Request body is too large'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/**
 * Parses a JSON request body. An empty body reads as `{}` (action bodies are optional); anything
 * that is not a JSON object is a 400 INVALID_ARGUMENT, as the coordinator would say.
 */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'Request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('INVALID_ARGUMENT', 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
