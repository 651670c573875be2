/**
 * WebSocket abuse over a real socket (`startServer` on port 0): graphql-ws protocol violations get
 * their close codes, and operations over the socket meet the same depth, alias and cost limits as
 * over HTTP (server.ts validates with `gateway.getEnveloped(...)`, so the envelop plugins apply).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, startServer } from '../src/server.js';
import { type Stack, startStack } from './support/stack.js';
import { eventually } from './support/wait.js';

const PROTOCOL = 'graphql-transport-ws';

interface Socket {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: Record<string, unknown>): void;
  next(predicate: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function connect(url: string): Promise<Socket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), PROTOCOL);
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const wake of waiters.splice(0)) wake();
    }),
  );
  const socket: Socket = {
    ws,
    messages,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    async next(predicate) {
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (ws.readyState === WebSocket.CLOSED) throw new Error('socket closed');
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
  });
}

async function initialised(url: string): Promise<Socket> {
  const socket = await connect(url);
  socket.send({ type: 'connection_init', payload: {} });
  await socket.next((message) => message.type === 'connection_ack');
  return socket;
}

const DEEP = `{ trainingJobs(first: 1) { edges { node { evaluations(first: 1) { edges { node { job {
  evaluations(first: 1) { edges { node { job { evaluations(first: 1) { edges { node { id } } } } } } } } } } } } } } }`;

describe('graphql-ws abuse', () => {
  let stack: Stack;
  let server: RunningServer;

  beforeAll(async () => {
    stack = await startStack({ config: { coordinatorTimeoutMs: 300 } });
    server = await startServer(stack.gateway, { host: '127.0.0.1', port: 0, keepAliveMs: 60_000 });
  });
  afterAll(async () => {
    await server.stop();
    await stack.close();
  });

  it('closes with 4408 when connection_init does not arrive in time (graphql-ws default: 3 s)', async () => {
    const socket = await connect(server.url);
    const started = Date.now();
    const { code } = await socket.closed;
    expect(code).toBe(4408);
    expect(Date.now() - started).toBeLessThan(4_500);
  }, 10_000);

  it('closes with 1009 on a frame over the size limit, before anything else, and stays healthy', async () => {
    const socket = await connect(server.url);
    socket.ws.send('x'.repeat(100_001));
    expect((await socket.closed).code).toBe(1009);
    const health = await fetch(server.url.replace(/\/graphql$/, '/health'));
    expect(health.status).toBe(200);
    const after = await initialised(server.url);
    after.ws.close();
  });

  it('closes with 4401 on subscribe before the ack', async () => {
    const socket = await connect(server.url);
    socket.send({ type: 'subscribe', id: '1', payload: { query: '{ __typename }' } });
    expect((await socket.closed).code).toBe(4401);
  });

  it('closes with 4429 on a repeated connection_init', async () => {
    const socket = await initialised(server.url);
    socket.send({ type: 'connection_init', payload: {} });
    expect((await socket.closed).code).toBe(4429);
  });

  it('closes with 4409 on a duplicate operation id', async () => {
    stack.emulator.setFaults([{ route: 'GET /queue', kind: 'hang' }]);
    try {
      const socket = await initialised(server.url);
      socket.send({ type: 'subscribe', id: 'same', payload: { query: '{ queue { depth } }' } });
      socket.send({ type: 'subscribe', id: 'same', payload: { query: '{ queue { depth } }' } });
      expect((await socket.closed).code).toBe(4409);
      // The first operation still reaches the coordinator after the close; let it arrive here, so
      // it is not counted against the next test's upstream calls.
      await eventually(() => stack.calls('GET /queue') > 0, 'the first operation to reach the coordinator');
    } finally {
      stack.emulator.clearFaults();
    }
  });

  it('applies the depth and alias limits of HTTP to operations over the socket', async () => {
    stack.emulator.resetStats();
    const socket = await initialised(server.url);
    socket.send({ type: 'subscribe', id: 'deep', payload: { query: DEEP } });
    const deep = await socket.next((message) => message.id === 'deep' && message.type === 'error');
    expect((deep.payload as Array<{ extensions?: Record<string, unknown> }>)[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'depth',
    });

    const aliases = Array.from({ length: 16 }, (_, i) => `q${i}: queue { depth }`).join(' ');
    socket.send({ type: 'subscribe', id: 'aliases', payload: { query: `{ ${aliases} }` } });
    const aliased = await socket.next((message) => message.id === 'aliases' && message.type === 'error');
    expect((aliased.payload as Array<{ extensions?: Record<string, unknown> }>)[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'aliases',
    });
    expect(stack.calls()).toBe(0);
    socket.ws.close();
  });

  it('applies the cost limit of HTTP to operations over the socket', async () => {
    stack.emulator.resetStats();
    const socket = await initialised(server.url);
    const query =
      '{ trainingJobs(first: 100) { edges { node { evaluations(first: 100) { edges { node { status } } } } } } }';
    socket.send({ type: 'subscribe', id: 'cost', payload: { query } });
    const result = await socket.next((message) => message.id === 'cost' && message.type !== 'complete');
    const errors =
      result.type === 'error'
        ? (result.payload as Array<{ extensions?: Record<string, unknown> }>)
        : ((result.payload as { errors?: Array<{ extensions?: Record<string, unknown> }> }).errors ?? []);
    expect(errors[0]?.extensions).toMatchObject({ limit: 'cost', cost: { actual: 20_301, max: 1_000 } });
    expect(stack.calls()).toBe(0);

    // Variables of the wrong type: the client's error, as over HTTP.
    socket.send({
      type: 'subscribe',
      id: 'vars',
      payload: { query: 'query Q($n: Int) { trainingJobs(first: $n) { totalCount } }', variables: { n: 'many' } },
    });
    const vars = await socket.next((message) => message.id === 'vars' && message.type !== 'complete');
    const varErrors =
      vars.type === 'error'
        ? (vars.payload as Array<{ extensions?: Record<string, unknown> }>)
        : ((vars.payload as { errors?: Array<{ extensions?: Record<string, unknown> }> }).errors ?? []);
    expect(varErrors[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // A fair operation still runs over the same socket.
    socket.send({ type: 'subscribe', id: 'ok', payload: { query: '{ queue { depth } }' } });
    const ok = await socket.next((message) => message.id === 'ok' && message.type === 'next');
    expect((ok.payload as { data?: unknown }).data).toEqual({ queue: { depth: expect.any(Number) } });
    socket.ws.close();
  });
});
