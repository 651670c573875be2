/**
 * The direct path for the request nearly every client sends: `POST /graphql` with a JSON body of
 * declared length. Yoga's HTTP layer (request hooks, a streamed body read behind promise chains,
 * response hooks, whatwg-node's writer) costs about a third of the gateway's CPU per request on
 * one job by id (bench/README.md, "The hot path"), and for this request all of it reduces to: read the
 * body, parse it, hand the params to Yoga's operation handling, write the reply.
 *
 * What those layers decide is decided here first or left to them:
 * - body limit, CSRF and media type: only a body within the limit, with a JSON content type (which
 *   the CSRF rule never refuses), comes here;
 * - a body that is not a JSON object, and anything a params hook refuses (query-parameter checks,
 *   persisted operations, variable limits), goes to Yoga's full path with the body already read;
 * - operation handling, result processing (media types, error mapping, metrics), CORS and the
 *   gateway's reply headers are Yoga's own code or the same function (`Gateway.executeJsonPost`).
 * `test/json-post.test.ts` sends the same requests down both paths and compares the replies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeNodeRequest } from '@whatwg-node/server';
import type { Gateway } from './app.js';
import { declaredLengthRefusal } from './security.js';

const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

type NodeRequestWithBody = IncomingMessage & { body?: Buffer };

/**
 * A POST body that declares its length within the limit, read whole: the HTTP parser reads exactly
 * that many bytes, so it cannot grow past the limit. Null when the request is not such a POST (left
 * to Yoga's streaming reader, which counts what it reads); resolves to null when the client goes
 * away before the end.
 */
export function readDeclaredBody(req: IncomingMessage, limit: number): Promise<Buffer | null> | null {
  if (req.method !== 'POST' || req.headers['transfer-encoding'] !== undefined) return null;
  const declared = req.headers['content-length'];
  // An invalid or too large length is refused on Yoga's path (`declaredLengthRefusal`).
  if (declared === undefined || declaredLengthRefusal(declared, limit) !== null || Number(declared) === 0) return null;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.once('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}

function jsonObject(body: Buffer): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Serves requests to the gateway whose body `server.ts` has read: directly when it is a plain JSON
 * POST, else through Yoga's full path (which takes the body already read). What it needs of the
 * gateway is looked up once: the gateway is a Proxy whose every property read costs a trap.
 */
export function createReadRequestHandler(gateway: Gateway) {
  const { graphqlEndpoint, fetchAPI } = gateway;
  const executeJsonPost = gateway.executeJsonPost;
  const customAbort = fetchAPI.Request !== Request;
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<Response> => {
    (req as NodeRequestWithBody).body = body;
    const contentType = req.headers['content-type'];
    if (req.url === graphqlEndpoint && contentType !== undefined && JSON_MEDIA_TYPE.test(contentType)) {
      const params = jsonObject(body);
      if (params !== null) {
        // The same Request object whatwg-node would build for Yoga (abort signal tied to `res`).
        const request = normalizeNodeRequest(req, fetchAPI, res, customAbort);
        const response = await executeJsonPost(request, params);
        if (response !== null) return response;
      }
    }
    return gateway.handleNodeRequestAndResponse(req, res);
  };
}
