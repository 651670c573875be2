/**
 * What browser code and misconfigured clients meet: CORS (defaults and configured), the CSRF rule
 * on the graphql-sse endpoint, the development-key notice per graphql-ws connection, and @defer
 * delivered incrementally over multipart HTTP and SSE.
 */
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ConfigError, loadConfig } from '../../src/config.js';
import { EMULATOR_KEYS, type ServedGateway, serveGateway } from '../support/served.js';
import { withStack } from '../support/stack.js';

const AUTHORIZATION = `Bearer ${EMULATOR_KEYS.dev}`;

describe('CORS', () => {
  it('by default lets any origin call without credentials and read x-request-id', async () => {
    await withStack({}, async (stack) => {
      const preflight = await stack.gateway.fetch('http://gateway.test/graphql', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');

      const response = await stack.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { origin: 'https://app.example', 'content-type': 'application/json', authorization: AUTHORIZATION },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
      expect(response.headers.get('x-request-id')).toBeTruthy();
    });
  });

  it('with listed origins and credentials: only those origins, with credentials', async () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', CORS_CREDENTIALS: 'true' });
    await withStack(
      {
        config: { corsOrigins: config.corsOrigins, corsCredentials: config.corsCredentials },
      },
      async (stack) => {
        const ask = (origin: string) =>
          stack.gateway.fetch('http://gateway.test/graphql', {
            method: 'OPTIONS',
            headers: { origin, 'access-control-request-method': 'POST' },
          });
        const allowed = await ask('https://b.example');
        expect(allowed.headers.get('access-control-allow-origin')).toBe('https://b.example');
        expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
        const other = await ask('https://evil.example');
        expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
      },
    );
  });

  it('refuses credentials with any origin, and origins that are not origins', () => {
    expect(() => loadConfig({ CORS_CREDENTIALS: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('on a served gateway', () => {
  let served: ServedGateway;
  beforeAll(async () => {
    served = await serveGateway();
  });
  afterAll(async () => {
    await served.stop();
  });

  it('refuses a simple cross-site request to the graphql-sse endpoint, with a code and the request id', async () => {
    const query = encodeURIComponent('subscription { evaluationUpdated(id: "eval_x") { status } }');
    const response = await fetch(`${served.origin}/graphql/stream?query=${query}`, {
      headers: { accept: 'text/event-stream', 'x-request-id': 'csrf-check-1' },
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', requestId: 'csrf-check-1' });
  });

  it('says once per graphql-ws connection that a connection without a credential uses the development key', async () => {
    const ws = createWsClient({
      url: served.wsUrl,
      webSocketImpl: WebSocket,
      // A misnamed credential: not `authorization`.
      connectionParams: { authToken: 'Bearer something' },
    });
    try {
      // Concurrent, so both run on one connection (the client closes an idle lazy connection).
      const run = () =>
        new Promise<unknown>((resolve, reject) => {
          let last: unknown;
          ws.subscribe(
            { query: '{ trainingJobs(first: 1) { totalCount } }' },
            { next: (value) => (last = value), error: reject, complete: () => resolve(last) },
          );
        });
      const results = await Promise.all([run(), run(), run()]);
      for (const result of results) {
        expect(result).toMatchObject({ data: { trainingJobs: { totalCount: expect.any(Number) } } });
      }
      const notices = served.logs.filter((line) => line.includes('development key') && line.includes('graphql-ws'));
      expect(notices).toHaveLength(1);
      expect(JSON.parse(notices[0] as string)).toMatchObject({ level: 'warn', connectionParams: ['authToken'] });
    } finally {
      await ws.dispose();
    }
  });

  const DEFERRED = /* GraphQL */ `
    query ClientsJobsThenEvaluations {
      trainingJobs(first: 4, orderBy: NAME_ASC) {
        edges {
          node {
            jobId
            name
            ... @defer(label: "evaluations") {
              evaluations(first: 3) { edges { node { evaluationId status } } }
            }
          }
        }
      }
    }
  `;

  /** Reads a streamed body part by part, noting the upstream job-list calls when the first arrives. */
  async function readParts(response: Response, split: (buffer: string) => { parts: string[]; rest: string }) {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const parts: Array<Record<string, unknown>> = [];
    let callsAtFirstPart: Record<string, number> | null = null;
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const { parts: complete, rest } = split(buffer);
      buffer = rest;
      for (const part of complete) {
        parts.push(JSON.parse(part) as Record<string, unknown>);
        callsAtFirstPart ??= { ...served.emulator.stats().requests };
      }
    }
    return { parts, callsAtFirstPart: callsAtFirstPart ?? {} };
  }

  function expectIncremental(parts: Array<Record<string, unknown>>, callsAtFirstPart: Record<string, number>): void {
    const [first, ...rest] = parts;
    const { edges } = (first as { data: { trainingJobs: { edges: Array<{ node: Record<string, unknown> }> } } }).data
      .trainingJobs;
    expect(edges).toHaveLength(4);
    // The jobs come first, from one upstream call, without their deferred evaluations.
    for (const edge of edges) expect(edge.node).not.toHaveProperty('evaluations');
    expect(first?.hasNext).toBe(true);
    expect(callsAtFirstPart['GET /jobs']).toBe(1);
    const incremental = rest.flatMap((part) => (part.incremental as Array<Record<string, unknown>> | undefined) ?? []);
    expect(incremental).toHaveLength(4);
    for (const item of incremental) {
      expect(item.data).toHaveProperty('evaluations.edges');
      expect(item.path).toEqual(['trainingJobs', 'edges', expect.any(Number), 'node']);
    }
    expect(parts.at(-1)?.hasNext).toBe(false);
  }

  /** Posts the deferred query accepting `accept` (upstream counts reset); the reply must be of that type. */
  async function postDeferred(accept: string): Promise<Response> {
    served.emulator.resetStats();
    const response = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, authorization: AUTHORIZATION },
      body: JSON.stringify({ query: DEFERRED }),
    });
    expect(response.headers.get('content-type')).toContain(accept);
    return response;
  }

  it('delivers a @defer query incrementally over multipart HTTP: jobs first, then each job’s evaluations', async () => {
    const response = await postDeferred('multipart/mixed');
    const { parts, callsAtFirstPart } = await readParts(response, (buffer) => {
      const parts: string[] = [];
      let rest = buffer;
      for (;;) {
        const start = rest.indexOf('\r\n\r\n');
        const end = rest.indexOf('\r\n---', start);
        if (start < 0 || end < 0) break;
        parts.push(rest.slice(start + 4, end));
        rest = rest.slice(end + 5);
      }
      return { parts, rest };
    });
    expectIncremental(parts, callsAtFirstPart);
  });

  it('delivers the same @defer query over SSE', async () => {
    const response = await postDeferred('text/event-stream');
    const { parts, callsAtFirstPart } = await readParts(response, (buffer) => {
      const events = buffer.split('\n\n');
      const rest = events.pop() ?? '';
      const parts = events
        .filter((event) => event.startsWith('event: next'))
        .map((event) => event.replace(/^event: next\ndata: /, ''));
      return { parts, rest };
    });
    expectIncremental(parts, callsAtFirstPart);
  });
});
