/** The harness's view of an emulator process: control API (stats, reset) and a few REST calls. */
import type { Proc } from './procs.js';

export const DEV_KEY = 'sgk_dev_acme_4f9c2e7a1b3d5f6081a2c4e6f8091b2d';
export const AUTH = `Bearer ${DEV_KEY}`;

export interface Emu {
  readonly proc: Proc;
  /** ScaiMind base URL, e.g. http://127.0.0.1:4321/v1/modules/scaimind. */
  readonly baseUrl: string;
  readonly origin: string;
  readonly latencyMs: number;
  readonly seedJobs: number;
  /** Request counts per "METHOD /route/{template}" since the last reset. */
  stats(): Promise<Record<string, number>>;
  resetStats(): Promise<void>;
  /** Re-seeds the store (drops anything a scenario created) and resets counts. */
  reset(): Promise<void>;
  rest<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  /** Extra latency on every route from now on (a latency fault; 0 clears the faults). */
  setLatency(ms: number): Promise<void>;
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export function emulatorOf(proc: Proc, latencyMs: number, seedJobs: number): Emu {
  const baseUrl = proc.url;
  const origin = new URL(baseUrl).origin;
  return {
    proc,
    baseUrl,
    origin,
    latencyMs,
    seedJobs,
    async stats() {
      const body = await json<{ requests: Record<string, number> }>(await fetch(`${origin}/_emulator/stats`));
      return body.requests;
    },
    async resetStats() {
      await json(await fetch(`${origin}/_emulator/stats/reset`, { method: 'POST' }));
    },
    async reset() {
      await json(await fetch(`${origin}/_emulator/reset`, { method: 'POST' }));
    },
    async setLatency(ms: number) {
      const faults = ms > 0 ? [{ route: '*', kind: 'latency', latency_ms: ms }] : [];
      await json(
        await fetch(`${origin}/_emulator/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ faults }),
        }),
      );
    },
    async rest<T>(method: 'GET' | 'POST', path: string, body?: unknown) {
      const init: RequestInit = { method, headers: { authorization: AUTH, accept: 'application/json' } };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const reply = await json<{ data: T }>(await fetch(`${baseUrl}${path}`, init));
      return reply.data;
    },
  };
}

export function totalCalls(stats: Record<string, number>): number {
  let total = 0;
  for (const key in stats) total += stats[key] ?? 0;
  return total;
}
