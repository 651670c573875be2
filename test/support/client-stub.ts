import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the stub upstream saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query, exactly as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** How the stub answers one request: a reply, a reset connection, or no answer at all. */
export type StubAnswer =
  | { status: number; body?: string | object; headers?: Record<string, string> }
  | { reset: true }
  | { hang: true }
  /** The body written in these pieces, one socket write each with a pause between; `ending: 'stall'` never ends it. */
  | { status: number; parts: Array<string | Buffer>; ending?: 'end' | 'stall' };

async function writeInParts(
  res: ServerResponse,
  parts: Array<string | Buffer>,
  ending: 'end' | 'stall',
  onWritten: () => void,
) {
  res.flushHeaders();
  for (const part of parts) {
    // A pause between writes so that each piece reaches the client as its own chunk.
    await new Promise((resolve) => setTimeout(resolve, 15));
    if (res.destroyed) return;
    res.write(part, onWritten);
  }
  if (ending === 'end') res.end();
}

/** The base path the stub pretends to serve, as in a real deployment. */
export const STUB_BASE_PATH = '/v1/modules/scaimind';

/**
 * A scripted upstream on a real loopback socket, for the transport cases the emulator cannot
 * produce (bare payloads, HTML error pages, HTTP-date Retry-After, bodiless errors). Answers are
 * used in order; the last one repeats.
 */
export async function startStubUpstream(answers: StubAnswer[]) {
  const seen: SeenRequest[] = [];
  let partsWritten = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
      if (answer === undefined || 'hang' in answer) return;
      if ('reset' in answer) {
        req.socket.resetAndDestroy();
        return;
      }
      if ('parts' in answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        void writeInParts(res, answer.parts, answer.ending ?? 'end', () => partsWritten++);
        return;
      }
      const text =
        answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${STUB_BASE_PATH}`,
    seen,
    /** Pieces of `parts` answers handed to the socket so far. */
    partsWritten: () => partsWritten,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
