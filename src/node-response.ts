/**
 * Writes a fetch `Response` (Yoga's) to node's `ServerResponse`.
 *
 * Nearly every GraphQL reply is a short JSON string. whatwg-node's own writer sends it as
 * `setHeaders` + `writeHead` + `write` + `end`; handing node the headers as one flat list and the
 * body to `end` lets node put status line, headers and body into one buffer, with no header
 * object per reply.
 *
 * Anything else (streams: SSE, multipart @defer; buffers; `set-cookie`) goes through whatwg-node's
 * writer unchanged. The string body is read from the ponyfill Response's `bodyType`/`bodyInit`,
 * as whatwg-node's own writer reads it; should a later version rename them, every reply takes the
 * general path: slower, never different.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendNodeResponse } from '@whatwg-node/server';

interface PonyfillBody {
  bodyType?: unknown;
  bodyInit?: unknown;
}

function stringBodyOf(response: Response): string | null {
  const body = response as unknown as PonyfillBody;
  return body.bodyType === 'String' && typeof body.bodyInit === 'string' ? body.bodyInit : null;
}

/** Writes `response` to `res`; resolves once it is handed to the socket (streams: once they end). */
export function writeResponse(response: Response, req: IncomingMessage, res: ServerResponse): void | Promise<void> {
  if (res.closed || res.destroyed || res.writableEnded) return;
  const body = stringBodyOf(response);
  if (body === null || response.headers.has('set-cookie')) {
    return sendNodeResponse(response, res, req as never, true) as void | Promise<void>;
  }
  const headers: string[] = [];
  response.headers.forEach((value, name) => {
    headers.push(name, value);
  });
  res.writeHead(response.status, response.statusText || undefined, headers).end(body);
}
