/**
 * Reading a coordinator event stream (`text/event-stream`): the streaming counterpart of
 * `reply.ts`. The client opens the request; this module turns the reply into batches of raw SSE
 * events (one batch per chunk received) or into the same `CoordinatorError`s a JSON call fails with.
 *
 * It never retries or reconnects: a stream that drops simply ends (or throws), and whoever reads it
 * decides whether to resume with `Last-Event-ID`. Idle detection is undici's `bodyTimeout`: with
 * heartbeats upstream, silence longer than that means a dead connection.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Dispatcher } from 'undici';
import { CoordinatorError, statusForCode } from './errors.js';
import { parseRateLimit, type ReplyOrigin, readReply } from './reply.js';
import { isRecord } from './wire.js';

/** One SSE event as sent: `id:` and `event:` when present, `data:` lines joined. */
export interface SseEvent {
  id: string | null;
  event: string | null;
  data: string;
}

/** An open stream: batches of events until the upstream ends it. Iterate once. */
export interface CoordinatorEventStream extends AsyncIterable<SseEvent[]> {
  /** Stops reading and releases the connection; idempotent. */
  close(): void;
  readonly requestId: string | null;
}

/** No single event may grow past this while being parsed: a stream without boundaries is broken. */
const MAX_EVENT_BYTES = 1024 * 1024;

export interface OpenEventStreamOptions {
  origin: ReplyOrigin;
  dispatcher: Dispatcher;
  url: { origin: string; path: string };
  headers: Record<string, string>;
  signal: AbortSignal | undefined;
  /** Time limit for the reply's status and headers. */
  connectTimeoutMs: number;
  /** Silence (no byte at all, heartbeats included) after which the stream counts as dropped. */
  idleTimeoutMs: number;
}

function failure(origin: ReplyOrigin, kind: CoordinatorError['kind'], code: string, message: string, cause?: unknown) {
  return new CoordinatorError({ kind, code, message, method: origin.method, route: origin.label, cause });
}

function transportError(origin: ReplyOrigin, error: unknown, signal: AbortSignal | undefined): CoordinatorError {
  if (error instanceof CoordinatorError) return error;
  if (signal?.aborted) return failure(origin, 'aborted', 'ABORTED', `${origin.label} was aborted by the caller`);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return failure(origin, 'timeout', 'DEADLINE_EXCEEDED', `${origin.label} went silent`, error);
  }
  const reason = typeof code === 'string' ? code : 'connection closed';
  return failure(origin, 'network', 'UNAVAILABLE', `${origin.label} stream dropped (${reason})`, error);
}

/**
 * The `event: error` frame's data is the error envelope's `error` object: the same code, message
 * and retry hint a JSON reply would carry, so it becomes the same `CoordinatorError`.
 */
export function streamError(origin: ReplyOrigin, data: string): CoordinatorError {
  let wire: unknown;
  try {
    wire = JSON.parse(data);
  } catch {
    wire = null;
  }
  const code = isRecord(wire) && typeof wire.code === 'string' && wire.code ? wire.code : 'INTERNAL';
  const status = statusForCode(code);
  const envelope = JSON.stringify({ status: 'error', error: isRecord(wire) ? wire : { code } });
  const reply = readReply(origin, status, {}, envelope);
  return reply.ok
    ? failure(origin, 'malformed', 'MALFORMED_RESPONSE', `${origin.label}: bad error event`)
    : reply.error;
}

/** Sends the request and, for a 2xx `text/event-stream` reply, returns the open stream. */
export async function openEventStream(options: OpenEventStreamOptions): Promise<CoordinatorEventStream> {
  const { origin, signal } = options;
  if (signal?.aborted) throw transportError(origin, null, signal);
  let reply: Dispatcher.ResponseData;
  try {
    reply = await options.dispatcher.request({
      origin: options.url.origin,
      path: options.url.path,
      method: 'GET',
      headers: options.headers,
      signal,
      headersTimeout: options.connectTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
    });
  } catch (error) {
    throw transportError(origin, error, signal);
  }
  const contentType = String(reply.headers['content-type'] ?? '');
  if (reply.statusCode < 200 || reply.statusCode >= 300 || !contentType.startsWith('text/event-stream')) {
    let text = '';
    try {
      text = await reply.body.text();
    } catch (error) {
      throw transportError(origin, error, signal);
    }
    const read = readReply(origin, reply.statusCode, reply.headers, text);
    if (!read.ok) throw read.error;
    throw new CoordinatorError({
      kind: 'malformed',
      code: 'MALFORMED_RESPONSE',
      status: reply.statusCode,
      message: `${origin.label} answered ${contentType || 'without a content type'}, not an event stream`,
      method: origin.method,
      route: origin.label,
      rateLimit: parseRateLimit(reply.headers),
    });
  }
  const body = reply.body;
  const requestId = typeof reply.headers['x-request-id'] === 'string' ? reply.headers['x-request-id'] : null;
  let closed = false;
  return {
    requestId,
    close() {
      if (closed) return;
      closed = true;
      body.destroy();
    },
    async *[Symbol.asyncIterator]() {
      const pending: SseEvent[] = [];
      let broken: CoordinatorError | null = null;
      const parser = createParser({
        maxBufferSize: MAX_EVENT_BYTES,
        onEvent: (message: EventSourceMessage) =>
          pending.push({ id: message.id ?? null, event: message.event ?? null, data: message.data }),
        onError: (error) => {
          broken ??= failure(origin, 'malformed', 'MALFORMED_RESPONSE', `${origin.label}: ${error.message}`);
        },
      });
      const decoder = new TextDecoder();
      try {
        for await (const chunk of body) {
          parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
          if (broken) throw broken;
          if (pending.length > 0) yield pending.splice(0);
        }
      } catch (error) {
        if (closed) return;
        throw transportError(origin, error, signal);
      } finally {
        closed = true;
        body.destroy();
      }
    },
  };
}
