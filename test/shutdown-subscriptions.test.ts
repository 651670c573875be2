/**
 * A gateway shutting down (SIGTERM: `stack.stop()`, as `main.ts` calls it) while a run is still
 * going must not look like the run finished. A finished run ends its subscription with `complete`;
 * a shutdown ends it in a way the real client libraries take as "reconnect": graphql-ws closes the
 * socket with 1001 Going Away (not one of its fatal codes), and SSE streams (Yoga's at /graphql and
 * graphql-sse's at /graphql/stream) end without `complete`, which graphql-sse's client reads as a
 * network failure and retries. Each test checks that the real client tried to connect again.
 */
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Emulator } from '../src/emulator/index.js';
import {
  EMULATOR_KEYS,
  EVALUATION_UPDATED,
  type LiveInstance,
  seededEvaluation,
  startEmulator,
  startLiveInstance,
} from './support/live-stack.js';
import { eventually } from './support/wait.js';

const AUTHORIZATION = `Bearer ${EMULATOR_KEYS.dev}`;

interface Watch {
  events: number;
  completed: boolean;
  error: unknown;
  /** `connecting(reconnecting)` calls of the client: true once it tries again. */
  reconnects: number;
  ended: Promise<void>;
}

function sink(watch: Watch, end: () => void) {
  return {
    next: () => {
      watch.events++;
    },
    error: (error: unknown) => {
      watch.error = error;
      end();
    },
    complete: () => {
      watch.completed = true;
      end();
    },
  };
}

/** A watch, the sink's `end`, and the clients' `on.connecting` that counts reconnects. */
function newWatch(): { watch: Watch; end: () => void; connecting: (retrying: boolean) => void } {
  let end = () => {};
  const watch: Watch = {
    events: 0,
    completed: false,
    error: null,
    reconnects: 0,
    ended: new Promise<void>((resolve) => {
      end = resolve;
    }),
  };
  const connecting = (retrying: boolean) => {
    if (retrying) watch.reconnects++;
  };
  return { watch, end, connecting };
}

describe('subscriptions when the gateway shuts down during a run', () => {
  let emulator: Emulator;
  let instance: LiveInstance;
  let id: string;
  const disposers: Array<() => void> = [];

  beforeEach(async () => {
    emulator = await startEmulator();
    instance = await startLiveInstance(emulator);
    id = await seededEvaluation(emulator, 'EVALUATING');
  });
  afterEach(async () => {
    for (const dispose of disposers.splice(0)) dispose();
    await instance.stop();
    await emulator.close();
  });

  it('graphql-ws: the socket closes with 1001 and the client reconnects instead of completing', async () => {
    const { watch, end, connecting } = newWatch();
    const closeCodes: number[] = [];
    const client = createWsClient({
      url: instance.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: AUTHORIZATION },
      retryAttempts: 1,
      retryWait: async () => {},
      on: { connecting, closed: (event) => closeCodes.push((event as { code: number }).code) },
    });
    disposers.push(() => void client.dispose());
    client.subscribe({ query: EVALUATION_UPDATED, variables: { id } }, sink(watch, end));
    await eventually(() => watch.events === 1, 'the current state');

    await instance.stop();
    await watch.ended;
    expect(closeCodes[0]).toBe(1001);
    expect(watch.completed).toBe(false);
    expect(watch.reconnects).toBe(1);
  });

  for (const [transport, path] of [
    ['Yoga SSE', '/graphql'],
    ['graphql-sse', '/graphql/stream'],
  ] as const) {
    it(`${transport}: the stream ends without complete and the graphql-sse client reconnects`, async () => {
      const { watch, end, connecting } = newWatch();
      const client = createSseClient({
        url: new URL(path, instance.server.url).href,
        headers: { authorization: AUTHORIZATION },
        retryAttempts: 1,
        retry: async () => {},
        on: { connecting },
      });
      disposers.push(() => client.dispose());
      client.subscribe({ query: EVALUATION_UPDATED, variables: { id } }, sink(watch, end));
      await eventually(() => watch.events === 1, 'the current state');

      await instance.stop();
      await watch.ended;
      expect(watch.completed).toBe(false);
      expect(watch.reconnects).toBe(1);
    });
  }
});
