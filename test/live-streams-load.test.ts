/**
 * Job streams under stress, through real sockets: a subscriber whose socket stops reading while a
 * job logs tens of thousands of lines. It must cost the gateway no memory of its own, must not hold
 * up the others, and must be told how many lines it missed.
 */
import { createClient } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Emulator } from '../src/emulator/index.js';
import { call } from './support/emulator-http.js';
import { droppedOf, expectContiguous, JOB_LOGS, type Line, linesOf } from './support/job-streams.js';
import {
  EMULATOR_KEYS,
  type LiveInstance,
  record,
  startEmulator,
  startLiveInstance,
  wsClient,
} from './support/live-stack.js';
import { eventually } from './support/wait.js';

let emulator: Emulator;
let instance: LiveInstance;
const disposers: Array<() => unknown> = [];

beforeEach(async () => {
  emulator = await startEmulator();
  instance = await startLiveInstance(emulator, {
    // Keep-alive pings would end the paused socket's subscription before it could fall behind.
    config: { wsKeepAliveMs: 60_000 },
    streams: { window: 5000, maxBatch: 1000 },
  });
});

afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
  await instance.stop();
  await emulator.close();
});

/** A job that logs `rate` lines per simulated second while training, already training. */
async function busyJob(rate: number): Promise<string> {
  const submitted = await call(emulator, 'POST', '/jobs', {
    body: {
      name: 'chatty',
      labels: { 'emulator-stream-rate': String(rate), 'emulator-outcome': 'complete' },
      training_config: { training_type: 'LORA', base_model: { model_id: 'meta-llama/Llama-3.1-8B' } },
      data_config: { sources: [{ path: 'scaidrive://acme/data/support.jsonl' }] },
      resource_config: { gpu_count: 1, gpu_type: 'H100' },
    },
  });
  expect(submitted.status).toBe(201);
  const id = submitted.body.data.job_id as string;
  for (let i = 0; i < 200; i++) {
    const job = await call(emulator, 'GET', `/jobs/${id}`);
    if (job.body.data.status === 'TRAINING') return id;
    emulator.advance(1000);
  }
  throw new Error('the job never started training');
}

/** The newest log sequence upstream, read straight from the emulator. */
async function latestSequence(id: string): Promise<number> {
  const controller = new AbortController();
  const res = await fetch(`${emulator.url}/jobs/${id}/logs?tail=1`, {
    headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    signal: controller.signal,
  });
  const reader = res.body?.getReader();
  let text = '';
  while (reader && !/\nid: (\d+)/.test(`\n${text}`)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  controller.abort();
  return Number(/(?:^|\n)id: (\d+)/.exec(text)?.[1] ?? 0);
}

/** A graphql-ws client whose socket can stop reading (the kernel buffers fill, then the server's). */
function pausableClient() {
  let socket: WebSocket | null = null;
  class Captured extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      socket = this;
    }
  }
  const client = createClient({
    url: instance.wsUrl,
    webSocketImpl: Captured,
    connectionParams: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    retryAttempts: 0,
    lazy: true,
  });
  disposers.push(() => client.dispose());
  const raw = () => (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  // Resumed before anything is closed, or the close handshake would wait on a socket nobody reads.
  disposers.unshift(() => raw().resume());
  return { client, pause: () => raw().pause(), resume: () => raw().resume() };
}

describe('a slow subscriber', () => {
  it('skips ahead with a dropped-lines count and never stalls the others', async () => {
    const id = await busyJob(1000);
    const fast = wsClient(instance.wsUrl, EMULATOR_KEYS.dev);
    disposers.push(() => fast.dispose());
    const quick = record(fast, JOB_LOGS, { id, tail: 0 });
    const slow = pausableClient();
    const lagging = record(slow.client, JOB_LOGS, { id, tail: 0 });
    await eventually(() => quick.events.length >= 1 && lagging.events.length >= 1, 'both first events');

    slow.pause();
    // Simulated seconds at 1000 lines/s (the emulator ticks in between, as a job would write),
    // far more than the paused socket's buffers and the gateway's window hold; then the job ends.
    // Paced so that the fast subscriber is never more than one simulated second (1000 lines) behind:
    // it must get everything; only the paused one may fall behind.
    for (let i = 0; i < 400 && linesOf(quick).length < 60_000; i++) {
      emulator.advance(1000);
      const latest = await latestSequence(id);
      await eventually(() => Number(linesOf(quick).at(-1)?.sequence ?? 0) >= latest, 'the fast subscriber keeps up');
    }
    expect((await call(emulator, 'POST', `/jobs/${id}/cancel`, { body: {} })).status).toBe(200);
    await quick.finished;
    expect(quick.completed).toBe(true);
    const all = linesOf(quick);
    expect(all.length).toBeGreaterThan(50_000);
    expect(droppedOf(quick)).toBe(0);
    expectContiguous(all);

    slow.resume();
    await lagging.finished;
    expect(lagging.completed).toBe(true);
    const got: Line[] = linesOf(lagging);
    expect(droppedOf(lagging)).toBeGreaterThan(0);
    expect(got.length + droppedOf(lagging)).toBe(all.length);
    // What it did get is in order and never repeated, and it ends with the job's last line.
    const numbers = got.map((line) => Number(line.sequence));
    expect(numbers).toEqual([...new Set(numbers)].sort((a, b) => a - b));
    expect(got.at(-1)).toEqual(all.at(-1));
  }, 120_000);
});
