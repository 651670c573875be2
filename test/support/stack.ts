/**
 * A gateway wired to a fresh in-process emulator (frozen clock), exercised through `gateway.fetch`
 * exactly as an HTTP client would, with the coordinator's call counts at hand.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { afterAll, beforeAll } from 'vitest';
import { createGateway, type Gateway, type GatewayDeps } from '../../src/app.js';
import { type Config, defaultConfig } from '../../src/config.js';
import { type CoordinatorClientOptions, createCoordinatorClient } from '../../src/coordinator/client.js';
import { createEmulator, EMULATOR_KEYS, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log.js';

export { EMULATOR_KEYS };

export interface StackOptions {
  emulator?: EmulatorOptions;
  config?: Partial<Config>;
  client?: Partial<CoordinatorClientOptions>;
  /** Default: the emulator's dev key, as in the embedded default. Null: as with a real coordinator. */
  defaultCredential?: string | null;
  deps?: Partial<GatewayDeps>;
}

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  };
}

export interface RequestOptions {
  /** An emulator key, sent as "Bearer <key>"; omit to send no Authorization header. */
  token?: string;
  headers?: Record<string, string>;
  /** Aborting it is the client going away. */
  signal?: AbortSignal;
}

export interface Stack {
  emulator: Emulator;
  gateway: Gateway;
  config: Config;
  logs: string[];
  /** Runs a typed operation through `gateway.fetch` (POST application/json). */
  run<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V> | string,
    variables?: V,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<T>>;
  /** Upstream calls per "METHOD /route" since the last `emulator.resetStats()`. */
  calls(route?: string): number;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const emulator = await createEmulator({ speed: 0, ...options.emulator });
  const config = defaultConfig({ coordinatorUrl: emulator.url, ...options.config });
  const client = createCoordinatorClient({
    baseUrl: emulator.url,
    timeoutMs: config.coordinatorTimeoutMs,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    ...options.client,
  });
  const logs: string[] = [];
  const gateway = createGateway(config, {
    client,
    log: createLogger('debug', (line) => logs.push(line)),
    defaultCredential:
      options.defaultCredential === undefined ? `Bearer ${EMULATOR_KEYS.dev}` : options.defaultCredential,
    ...options.deps,
  });

  return {
    emulator,
    gateway,
    config,
    logs,
    async run(document, variables, requestOptions = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...requestOptions.headers };
      if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
      const query = typeof document === 'string' ? document : print(document);
      const response = await gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: requestOptions.signal,
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    calls(route) {
      const { requests } = emulator.stats();
      if (route) return requests[route] ?? 0;
      return Object.values(requests).reduce((sum: number, n) => sum + Number(n), 0);
    },
    async close() {
      await client.close();
      await emulator.close();
    },
  };
}

/**
 * A stack for the enclosing describe block (or file): started before its tests, closed after
 * them (after the block's own afterAll hooks, which run first). What it returns forwards to that
 * stack, so it may be used anywhere its tests or later hooks run.
 */
export function useStack(options: StackOptions = {}): Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
  });
  afterAll(() => stack?.close());
  return lateBound(() => stack, 'useStack');
}

/** Runs `body` against a stack of its own (for a test that needs other options), closed afterwards. */
export async function withStack<T>(options: StackOptions, body: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await startStack(options);
  try {
    return await body(stack);
  } finally {
    await stack.close();
  }
}

/**
 * Stands for the value `current()` returns once a hook has set it: every property read forwards
 * to it (and fails, naming `what`, before it is there).
 */
export function lateBound<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const value = current();
      if (!value) throw new Error(`${what}: .${String(key)} used before its beforeAll ran`);
      return Reflect.get(value, key);
    },
  });
}

/** Fails the test with the response's errors when there are any, else returns the data. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.body.errors?.length) {
    throw new Error(`unexpected GraphQL errors: ${JSON.stringify(response.body.errors, null, 2)}`);
  }
  if (response.body.data == null) throw new Error('no data in response');
  return response.body.data;
}
