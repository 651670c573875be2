/**
 * One operation sent the way each transport sends it (HTTP POST, HTTP GET, SSE, graphql-ws), so a
 * test can assert that a policy holds on every one of them: `stack.gateway` served by a real
 * `startServer` on port 0, requests over real sockets.
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, startServer } from '../../src/server.js';
import { sseEvents } from './sse.js';
import { lateBound, type Stack, type StackOptions, useStack } from './stack.js';

export type Transport = 'post' | 'get' | 'sse' | 'ws';
export const TRANSPORTS: readonly Transport[] = ['post', 'get', 'sse', 'ws'];

export interface Payload {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

export interface GraphQLErrorJson {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

export interface Outcome {
  /** HTTP status (graphql-ws: 101 → reported as 200 when the socket was accepted). */
  status: number;
  data?: Record<string, unknown> | null;
  errors: GraphQLErrorJson[];
  /** graphql-ws: the close code when the socket closed under the operation. */
  closeCode?: number;
}

export interface Served {
  url: string;
  server: RunningServer;
  /** Sends one operation over `transport` and collects its (first) result. */
  send(transport: Transport, payload: Payload, options?: { token?: string | null }): Promise<Outcome>;
  stop(): Promise<void>;
}

export async function serve(stack: Stack): Promise<Served> {
  const server = await startServer(stack.gateway, { host: '127.0.0.1', port: 0, keepAliveMs: 60_000 });
  const url = server.url;
  const auth = (token: string | null | undefined): Record<string, string> =>
    token ? { authorization: `Bearer ${token}` } : {};

  const send: Served['send'] = async (transport, payload, options = {}) => {
    const token = options.token;
    if (transport === 'post') {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...auth(token) },
        body: JSON.stringify(payload),
      });
      const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: GraphQLErrorJson[] };
      return { status: response.status, data: body.data, errors: body.errors ?? [] };
    }
    if (transport === 'get') {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(payload)) {
        if (value !== undefined) search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
      }
      const response = await fetch(`${url}?${search}`, {
        headers: { accept: 'application/graphql-response+json', 'x-graphql-yoga-csrf': '1', ...auth(token) },
      });
      const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: GraphQLErrorJson[] };
      return { status: response.status, data: body.data, errors: body.errors ?? [] };
    }
    if (transport === 'sse') {
      const controller = new AbortController();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...auth(token) },
        body: JSON.stringify(payload),
        signal: controller.signal,
      });
      const text = await readFirstEvent(response, controller);
      if (text === null) return { status: response.status, errors: [] };
      const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: GraphQLErrorJson[] };
      return { status: response.status, data: body.data, errors: body.errors ?? [] };
    }
    // graphql-ws requires a query string: a persisted operation goes as '' plus its hash.
    return wsOnce(url, { ...payload, query: payload.query ?? '' }, token ?? null);
  };

  return { url, server, send, stop: () => server.stop() };
}

/** For the enclosing block: a stack (`useStack`) and a real server over it, stopped before the stack closes. */
export function useServed(options: StackOptions = {}): { stack: Stack; served: Served } {
  const stack = useStack(options);
  let served: Served | undefined;
  beforeAll(async () => {
    served = await serve(stack);
  });
  afterAll(() => served?.stop());
  return { stack, served: lateBound(() => served, 'useServed') };
}

/** The data of the first `next` event of an SSE response (or the whole body when it is JSON). */
async function readFirstEvent(response: Response, controller: AbortController): Promise<string | null> {
  if (!response.headers.get('content-type')?.includes('text/event-stream')) return response.text();
  try {
    for await (const { event, data } of sseEvents(response.body as ReadableStream<Uint8Array>)) {
      if (event === 'next' && data) return data;
      if (event === 'complete') return null;
    }
    return null;
  } finally {
    controller.abort();
  }
}

/** One operation over graphql-ws: the first `next` payload, or the `error` message's errors. */
export function wsOnce(url: string, payload: Payload, token: string | null): Promise<Outcome> {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
      void client.dispose();
    };
    const unsubscribe = client.subscribe(payload as { query: string }, {
      next: (result) => {
        unsubscribe();
        done({
          status: 200,
          data: result.data as Record<string, unknown> | null | undefined,
          errors: (result.errors ?? []) as GraphQLErrorJson[],
        });
      },
      error: (error) => {
        if (Array.isArray(error)) done({ status: 200, errors: error as GraphQLErrorJson[] });
        else if (error && typeof error === 'object' && 'code' in error)
          done({ status: 200, errors: [], closeCode: Number((error as { code: number }).code) });
        else done({ status: 200, errors: [{ message: String(error) }] });
      },
      complete: () => done({ status: 200, errors: [] }),
    });
  });
}
