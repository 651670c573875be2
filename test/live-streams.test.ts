/**
 * Job log and metrics subscriptions through the front door: a real server on a loopback port,
 * graphql-ws and SSE clients, the emulator upstream with its clock moved by hand (speed 0), so
 * every line that exists is one the test made exist. In-memory hub (one instance).
 */
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/emulator/index.js';
import { SEEDED } from '../src/emulator/seed.js';
import { call, jobNamed } from './support/emulator-http.js';
import { expectContiguous, JOB_LOGS, JOB_METRICS, type Line, linesOf } from './support/job-streams.js';
import { EMULATOR_KEYS, type LiveInstance, record, recordSse, useLiveInstance } from './support/live-stack.js';
import { eventually } from './support/wait.js';

const LOGS_ROUTE = 'GET /jobs/{job_id}/logs';
const METRICS_ROUTE = 'GET /jobs/{job_id}/metrics/stream';

let emulator: Emulator;
let instance: LiveInstance;
const { client, restart } = useLiveInstance((started) => {
  ({ emulator, instance } = started);
});

const opened = (route = LOGS_ROUTE) => emulator.stats().requests[route] ?? 0;
const openNow = (route = LOGS_ROUTE) => emulator.stats().max_in_flight[route] ?? 0;

async function trainingJob(): Promise<string> {
  return (await jobNamed(emulator, SEEDED.trainingWithCheckpoints)).job_id as string;
}

describe('trainingJobLogs', () => {
  it('over graphql-ws: the tail first, then live lines in order, complete after the job ends', async () => {
    const id = await trainingJob();
    const watch = record(client(), JOB_LOGS, { id, tail: 5 });
    await eventually(() => watch.events.length >= 1, 'the first event');
    const first = (watch.events[0]?.trainingJobLogs as { lines: Line[]; droppedLines: number }) ?? null;
    expect(first?.lines).toHaveLength(5);
    expect(first?.droppedLines).toBe(0);

    emulator.advance(3000);
    await eventually(() => linesOf(watch).length === 8, 'three live lines');
    const cancel = await call(emulator, 'POST', `/jobs/${id}/cancel`, { body: { reason: 'test' } });
    expect(cancel.status).toBe(200);
    await watch.finished;
    expect(watch.completed).toBe(true);
    expect(watch.errors).toEqual([]);
    const lines = linesOf(watch);
    expectContiguous(lines);
    expect(lines.at(-1)?.message).toMatch(/^\[CANCELLED\]/);
  });

  it('over SSE: the same lines as graphql-ws, and one upstream connection for all watchers of a job', async () => {
    const id = await trainingJob();
    const ws = record(client(), JOB_LOGS, { id, tail: 3 });
    const sse = await recordSse(instance.server.url, EMULATOR_KEYS.dev, JOB_LOGS, { id, tail: 3 });
    const more = [1, 2, 3].map(() => record(client(), JOB_LOGS, { id, tail: 0 }));
    await eventually(() => sse.events.length >= 1 && ws.events.length >= 1, 'first events');
    await eventually(() => more.every((watch) => watch.events.length >= 1), 'the tail=0 watchers’ first events');
    emulator.advance(2000);
    const sseLines = () =>
      sse.events
        .filter((event) => event.event === 'next')
        .flatMap(
          (event) => (event.data as { data: { trainingJobLogs: { lines: Line[] } } }).data.trainingJobLogs.lines,
        );
    await eventually(() => sseLines().length === 5 && linesOf(ws).length === 5, 'tail and two live lines on both');
    expect(sseLines()).toEqual(linesOf(ws));
    await eventually(() => more.every((watch) => linesOf(watch).length === 2), 'live lines for the tail=0 watchers');
    expect(opened()).toBe(1);
    expect(instance.hub.stats()).toMatchObject({ relays: 1, streamWatchers: 5 });
    sse.abort();
  });

  it('a late watcher first gets its tail, then the same live lines as everyone', async () => {
    const id = await trainingJob();
    const early = record(client(), JOB_LOGS, { id, tail: 2 });
    await eventually(() => early.events.length >= 1, 'the early watcher');
    emulator.advance(4000);
    await eventually(() => linesOf(early).length === 6, 'four live lines');
    const late = record(client(), JOB_LOGS, { id, tail: 3 });
    await eventually(() => late.events.length >= 1, 'the late watcher’s first event');
    expect(linesOf(late)).toEqual(linesOf(early).slice(-3));
    emulator.advance(1000);
    await eventually(() => linesOf(late).length === 4 && linesOf(early).length === 7, 'one more line for both');
    expect(linesOf(late).at(-1)).toEqual(linesOf(early).at(-1));
    expect(opened()).toBe(1);
  });

  it('resumes after `since` from what the gateway holds', async () => {
    const id = await trainingJob();
    const first = record(client(), JOB_LOGS, { id, tail: 10 });
    await eventually(() => linesOf(first).length === 10, 'the tail');
    const since = linesOf(first)[6]?.sequence;
    const resumed = record(client(), JOB_LOGS, { id, since });
    await eventually(() => resumed.events.length >= 1, 'the resumed watcher');
    expect(linesOf(resumed)).toEqual(linesOf(first).slice(7));
  });

  it('loses and repeats nothing when the upstream stream drops, errors or goes silent mid-way', async () => {
    // A short upstream tail (5) so that the faults strike after the backlog, between live lines.
    await restart({ streams: { maxTail: 5, window: 50, idleTimeoutMs: 300 } });
    const id = await trainingJob();
    emulator.setFaults([
      { route: LOGS_ROUTE, kind: 'reset', afterEvents: 7, count: 1 },
      { route: LOGS_ROUTE, kind: 'status', status: 503, afterEvents: 2, count: 1 },
      { route: LOGS_ROUTE, kind: 'malformed', afterEvents: 1, count: 1 },
      { route: LOGS_ROUTE, kind: 'hang', afterEvents: 1, count: 1 },
    ]);
    const watch = record(client(), JOB_LOGS, { id, tail: 3 });
    await eventually(() => watch.events.length >= 1, 'the tail');
    for (let i = 0; i < 12; i++) {
      emulator.advance(1000);
      await eventually(() => linesOf(watch).length >= 4 + i || opened() > 1, 'the next line or a reconnect');
    }
    await eventually(() => linesOf(watch).length >= 15, 'every line');
    expect(opened()).toBe(5);
    const lines = linesOf(watch);
    expect(lines).toHaveLength(15);
    expectContiguous(lines);
    expect(watch.errors).toEqual([]);
  });

  it('ends with a stable code when the job cannot be read, and never mixes credentials', async () => {
    const id = await trainingJob();
    const stranger = record(client(EMULATOR_KEYS.otherTenant), JOB_LOGS, { id });
    await stranger.finished;
    expect(stranger.errors.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(stranger.events).toEqual([]);

    // Same tenant, two keys: each credential gets its own upstream reader.
    const dev = record(client(EMULATOR_KEYS.dev), JOB_LOGS, { id, tail: 1 });
    const viewer = record(client(EMULATOR_KEYS.viewer), JOB_LOGS, { id, tail: 1 });
    await eventually(() => dev.events.length >= 1 && viewer.events.length >= 1, 'both first events');
    expect(openNow()).toBe(2);
    expect(instance.hub.relayedTopics()).toHaveLength(2);
  });

  it('refuses a tail outside 0-1000 with BAD_USER_INPUT', async () => {
    const id = await trainingJob();
    const watch = record(client(), JOB_LOGS, { id, tail: 5000 });
    await watch.finished;
    expect(watch.errors.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(opened()).toBe(0);
  });
});

describe('trainingJobMetrics', () => {
  it('over graphql-ws and SSE: the latest snapshot, then each new one, only the named metrics', async () => {
    const id = await trainingJob();
    const ws = record(client(), JOB_METRICS, { id, names: ['loss'] });
    const sse = await recordSse(instance.server.url, EMULATOR_KEYS.dev, JOB_METRICS, { id });
    await eventually(() => ws.events.length >= 1 && sse.events.length >= 1, 'first events');
    emulator.advance(2000);
    type Snapshot = { sequence: string; step: number; values: Array<{ name: string; value: number }> };
    const wsSnapshots = () =>
      ws.events.flatMap((event) => (event.trainingJobMetrics as { snapshots: Snapshot[] }).snapshots);
    const sseSnapshots = () =>
      sse.events
        .filter((event) => event.event === 'next')
        .flatMap(
          (event) =>
            (event.data as { data: { trainingJobMetrics: { snapshots: Snapshot[] } } }).data.trainingJobMetrics
              .snapshots,
        );
    await eventually(() => wsSnapshots().length === 3 && sseSnapshots().length === 3, 'three snapshots each');
    expect(wsSnapshots().every((s) => s.values.length === 1 && s.values[0]?.name === 'loss')).toBe(true);
    expect(
      sseSnapshots()[0]
        ?.values.map((v) => v.name)
        .sort(),
    ).toEqual(['learning_rate', 'loss', 'tokens_per_second']);
    expect(wsSnapshots().map((s) => s.sequence)).toEqual(sseSnapshots().map((s) => s.sequence));
    const steps = wsSnapshots().map((s) => s.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(opened(METRICS_ROUTE)).toBe(1);
    sse.abort();
  });
});
