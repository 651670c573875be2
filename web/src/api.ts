/**
 * The page's only way to the gateway: GraphQL over HTTP (POST, JSON) for queries and mutations,
 * graphql-ws on the same path for subscriptions. Same origin only, so nothing leaves this host.
 */
import { type Client, createClient } from 'graphql-ws/client';
import type { TypedDocumentString } from './generated/graphql';

const ENDPOINT = '/graphql';
const TOKEN_KEY = 'scaimind.token';

/** One error as the gateway reports it: every one carries a code and the request id. */
export interface ErrorInfo {
  message: string;
  code: string;
  requestId: string | null;
  path: string | null;
}

export class GatewayError extends Error {
  constructor(readonly errors: ErrorInfo[]) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join('; '));
  }
  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

/**
 * How this tab authenticates. `development-key`: the gateway said (header
 * `x-scaimind-credential`) it answered with the embedded emulator's development key; `token`: the
 * user's token, kept in sessionStorage (this tab only); `needs-token`: the gateway refused to work
 * without one.
 */
export type CredentialMode = 'unknown' | 'development-key' | 'token' | 'needs-token';

type Listener = () => void;
const listeners = new Set<Listener>();
let mode: CredentialMode = readToken() ? 'token' : 'unknown';
/** Bumped when the user signs in or out: views reload their data under the new credential. */
let epoch = 0;

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

function setMode(next: CredentialMode): void {
  if (next === mode) return;
  mode = next;
  notify();
}

export const credential = {
  get mode(): CredentialMode {
    return mode;
  },
  get epoch(): number {
    return epoch;
  },
  onChange(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Keeps the token for this browser tab only; accepts a bare key or "Bearer …". */
  signIn(token: string): void {
    const value = token.trim();
    sessionStorage.setItem(TOKEN_KEY, /^bearer\s/i.test(value) ? value : `Bearer ${value}`);
    resetSocket();
    mode = 'token';
    epoch += 1;
    notify();
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    resetSocket();
    mode = 'unknown';
    epoch += 1;
    notify();
  },
};

function toErrorInfo(raw: unknown, fallbackRequestId: string | null): ErrorInfo {
  const error = (raw ?? {}) as { message?: unknown; path?: unknown; extensions?: Record<string, unknown> };
  const ext = error.extensions ?? {};
  return {
    message: typeof error.message === 'string' ? error.message : 'Unknown error',
    code: typeof ext.code === 'string' ? ext.code : 'UNKNOWN',
    requestId: typeof ext.requestId === 'string' ? ext.requestId : fallbackRequestId,
    path: Array.isArray(error.path) ? error.path.join('.') : null,
  };
}

function noteCredential(errors: ErrorInfo[], header: string | null): void {
  const token = readToken();
  if (errors.some((e) => e.code === 'UNAUTHENTICATED')) setMode('needs-token');
  else if (token) setMode('token');
  else if (header === 'emulator-development-key') setMode('development-key');
}

/**
 * `request` for an effect: the outcome goes to `onData` or `onError` unless the returned cancel ran
 * first (the effect's cleanup), so a stale reply never lands on a newer view.
 */
export function load<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  onData: (data: R) => void,
  onError: (failure: unknown) => void,
): () => void {
  let current = true;
  request(document, variables).then(
    (data) => current && onData(data),
    (failure: unknown) => current && onError(failure),
  );
  return () => {
    current = false;
  };
}

/** Runs a query or mutation; any GraphQL error (even next to partial data) is thrown. */
export async function request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  const token = readToken();
  if (token) headers.authorization = token;
  let response: Response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch (error) {
    throw new GatewayError([
      { message: `The gateway could not be reached (${String(error)})`, code: 'NETWORK', requestId: null, path: null },
    ]);
  }
  const requestId = response.headers.get('x-request-id');
  let body: { data?: R | null; errors?: unknown[] };
  try {
    body = await response.json();
  } catch {
    throw new GatewayError([
      {
        message: `HTTP ${response.status} without a GraphQL body`,
        code: `HTTP_${response.status}`,
        requestId,
        path: null,
      },
    ]);
  }
  const errors = (body.errors ?? []).map((e) => toErrorInfo(e, requestId));
  noteCredential(errors, response.headers.get('x-scaimind-credential'));
  if (errors.length || body.data == null) {
    throw new GatewayError(
      errors.length ? errors : [{ message: 'No data in the reply', code: 'UNKNOWN', requestId, path: null }],
    );
  }
  return body.data;
}

let socket: Client | null = null;

function resetSocket(): void {
  void socket?.dispose();
  socket = null;
}

function ws(): Client {
  socket ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${ENDPOINT}`,
    connectionParams: () => {
      const token = readToken();
      return token ? { authorization: token } : {};
    },
    lazy: true,
    lazyCloseTimeout: 2_000,
    retryAttempts: 8,
  });
  return socket;
}

export interface SubscriptionHandlers<R> {
  next(data: R): void;
  error?(error: GatewayError): void;
  complete?(): void;
}

/** Subscribes over graphql-ws; returns the function that ends the subscription. */
export function subscribe<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  handlers: SubscriptionHandlers<R>,
): () => void {
  let done = false;
  const fail = (error: GatewayError) => {
    if (error.hasCode('UNAUTHENTICATED')) setMode('needs-token');
    handlers.error?.(error);
  };
  const stop = ws().subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (done) return;
        if (result.errors?.length) fail(new GatewayError(result.errors.map((e) => toErrorInfo(e, null))));
        if (result.data) handlers.next(result.data);
      },
      error: (error) => {
        if (done) return;
        const list = Array.isArray(error) ? error : [error];
        const infos = list.map((e) =>
          e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)
            ? toErrorInfo(e, null)
            : // A CloseEvent: the socket failed for good after its retries.
              { message: 'Live updates lost: the connection closed', code: 'NETWORK', requestId: null, path: null },
        );
        fail(new GatewayError(infos));
      },
      complete: () => {
        if (!done) handlers.complete?.();
      },
    },
  );
  return () => {
    done = true;
    stop();
  };
}
