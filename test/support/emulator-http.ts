import type { Emulator } from '../../src/emulator/index.js';
import { EMULATOR_KEYS } from '../../src/emulator/index.js';

/** A decoded reply of the emulator, for assertions. */
export interface Reply {
  status: number;
  headers: Headers;
  // Tests read arbitrary wire JSON; typing every shape would only restate the emulator.
  // biome-ignore lint/suspicious/noExplicitAny: wire JSON under test
  body: any;
}

export interface CallOptions {
  /** Bearer key; null sends no Authorization header. Default: the dev key. */
  key?: string | null;
  body?: unknown;
  /** Raw body text (overrides `body`), e.g. to send malformed JSON. */
  rawBody?: string;
  query?: Record<string, string | number | readonly string[]>;
  signal?: AbortSignal;
}

/** One real HTTP call against the emulator's ScaiMind base URL. */
export async function call(
  emulator: Emulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const url = new URL(emulator.url + path);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(name, v);
    else url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? EMULATOR_KEYS.dev : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined = options.rawBody;
  if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  if (options.signal !== undefined) init.signal = options.signal;
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Left as text: the malformed-body fault is asserted on the raw text.
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Every item of a list endpoint, walking next_page_token to the end. */
export async function walk(
  emulator: Emulator,
  path: '/jobs' | '/evaluations',
  query: Record<string, string | number | readonly string[]> = {},
  key: string = EMULATOR_KEYS.dev,
  // biome-ignore lint/suspicious/noExplicitAny: wire JSON under test
): Promise<{ items: any[]; pages: number; totalCounts: number[] }> {
  // biome-ignore lint/suspicious/noExplicitAny: wire JSON under test
  const items: any[] = [];
  const totalCounts: number[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const reply = await call(emulator, 'GET', path, { key, query: token ? { ...query, page_token: token } : query });
    if (reply.status !== 200) throw new Error(`page ${pages + 1}: ${reply.status} ${JSON.stringify(reply.body)}`);
    // Evaluation listings mirror job listings (`jobs`); the older variant says `evaluations`.
    items.push(...(reply.body.data.jobs ?? reply.body.data.evaluations));
    totalCounts.push(reply.body.data.total_count);
    token = reply.body.data.next_page_token;
    pages += 1;
    if (pages > 2000) throw new Error('page walk does not end');
  } while (token !== undefined);
  return { items, pages, totalCounts };
}

/** A seeded acme job by name (seed names are unique). */
// biome-ignore lint/suspicious/noExplicitAny: wire JSON under test
export async function jobNamed(emulator: Emulator, name: string, key: string = EMULATOR_KEYS.dev): Promise<any> {
  const { items } = await walk(emulator, '/jobs', { page_size: 100 }, key);
  const job = items.find((j) => j.name === name);
  if (job === undefined) throw new Error(`no seeded job named ${name}`);
  return job;
}
