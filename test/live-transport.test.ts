/**
 * Subscriptions through the front door: a real server on a loopback port, graphql-ws and SSE
 * clients, the emulator upstream with its clock advanced by hand. In-memory hub (one instance).
 */
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/emulator/index.js';
import { SEEDED } from '../src/emulator/seed.js';
import { jobNamed } from './support/emulator-http.js';
import { JOB_LOGS, JOB_METRICS } from './support/job-streams.js';
import {
  EMULATOR_KEYS,
  EVALUATION_UPDATED,
  JOB_UPDATED,
  type LiveInstance,
  record,
  recordSse,
  seededEvaluation,
  useLiveInstance,
} from './support/live-stack.js';
import { eventually, sleep } from './support/wait.js';

const POLL_ROUTE = 'GET /evaluations/{evaluation_id}';
let emulator: Emulator;
let instance: LiveInstance;
const { client, restart } = useLiveInstance((started) => {
  ({ emulator, instance } = started);
});

const polls = () => emulator.stats().requests[POLL_ROUTE] ?? 0;
const statuses = (events: Array<Record<string, unknown>>) =>
  events.map((event) => (event.evaluationUpdated as { status: string }).status);

/** Advances the emulator in 10 s steps, giving the poller time to see each step, until `done`. */
async function driveUntil(done: () => boolean, stepMs = 10_000, maxSteps = 20): Promise<void> {
  for (let step = 0; step < maxSteps && !done(); step++) {
    emulator.advance(stepMs);
    await sleep(stepMs < 10_000 ? 120 : 200);
  }
}

describe('live status over graphql-ws', () => {
  it('first the current state at once, then each change, then complete after the terminal status', async () => {
    const id = await seededEvaluation(emulator, 'QUEUED');
    const started = Date.now();
    const watch = record(client(), EVALUATION_UPDATED, { id });
    await eventually(() => watch.events.length === 1, 'the first event');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(statuses(watch.events)).toEqual(['QUEUED']);

    await driveUntil(() => watch.completed, 4000, 40);
    await watch.finished;
    const seen = statuses(watch.events);
    expect(seen.at(-1)).toBe('COMPLETED');
    expect(seen.filter((status) => status === 'COMPLETED')).toHaveLength(1);
    // Only changes: no two consecutive identical events.
    for (let i = 1; i < watch.events.length; i++) expect(watch.events[i]).not.toEqual(watch.events[i - 1]);
    // Small steps: the phases show up in order, and results land one by one.
    expect(seen).toEqual(expect.arrayContaining(['QUEUED', 'PREPARING', 'EVALUATING', 'COMPLETED']));
    expect(seen.filter((status) => status === 'EVALUATING').length).toBeGreaterThanOrEqual(2);
    expect(watch.errors).toEqual([]);
    expect(instance.hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('takes the id inline in the document as well as in a variable', async () => {
    const id = await seededEvaluation(emulator, 'QUEUED');
    const inline = record(client(), `subscription { evaluationUpdated(id: "${id}") { evaluationId status } }`, {});
    await eventually(() => inline.events.length === 1 || inline.errors.length > 0, 'the first event');
    expect(inline.errors).toEqual([]);
    expect(inline.events[0]).toEqual({ evaluationUpdated: { evaluationId: id, status: 'QUEUED' } });
  });

  it('fails at subscribe time with NOT_FOUND for an unknown id and for another tenant’s evaluation', async () => {
    const unknown = record(client(), EVALUATION_UPDATED, { id: 'eval_doesnotexist' });
    await unknown.finished;
    expect(unknown.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    // Errors raised while streaming carry the operation's request id, like every other error.
    expect(unknown.errors[0]?.extensions?.requestId).toEqual(expect.any(String));

    const id = await seededEvaluation(emulator, 'QUEUED');
    const foreign = record(client(EMULATOR_KEYS.otherTenant), EVALUATION_UPDATED, { id });
    await foreign.finished;
    expect(foreign.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(foreign.events).toEqual([]);
    expect(instance.hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('watches training jobs too, one poller per tenant, never shared', async () => {
    const trainingJob = async (key: string) => {
      const reply = await fetch(`${emulator.url}/jobs?status=TRAINING&page_size=1`, {
        headers: { authorization: `Bearer ${key}` },
      });
      return ((await reply.json()) as { data: { jobs: Array<{ job_id: string }> } }).data.jobs[0]?.job_id as string;
    };
    const acmeJob = await trainingJob(EMULATOR_KEYS.dev);
    const globexJob = await trainingJob(EMULATOR_KEYS.otherTenant);
    const acme = record(client(), JOB_UPDATED, { id: acmeJob });
    const globex = record(client(EMULATOR_KEYS.otherTenant), JOB_UPDATED, { id: globexJob });
    await eventually(() => acme.events.length === 1 && globex.events.length === 1, 'both first events');
    expect(instance.hub.stats()).toEqual({ pollers: 2, subscribers: 2, relays: 0, streamWatchers: 0 });
    const step = (watch: typeof acme, i: number) =>
      (watch.events[i] as { trainingJobUpdated: { progress: { currentStep: number } } }).trainingJobUpdated.progress
        .currentStep;
    emulator.advance(60_000);
    await eventually(() => acme.events.length >= 2 && globex.events.length >= 2, 'progress events');
    expect(step(acme, 1)).toBeGreaterThan(step(acme, 0));
    expect(step(globex, 1)).toBeGreaterThan(step(globex, 0));
    // The other tenant's job, with its own token: NOT_FOUND, and no poller joined.
    const crossing = record(client(EMULATOR_KEYS.otherTenant), JOB_UPDATED, { id: acmeJob });
    await crossing.finished;
    expect(crossing.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    acme.unsubscribe();
    globex.unsubscribe();
    await eventually(() => instance.hub.stats().subscribers === 0, 'released');
  });

  it('fails with UNAUTHENTICATED without a token', async () => {
    const id = await seededEvaluation(emulator, 'QUEUED');
    const anonymous = record(client(null), EVALUATION_UPDATED, { id });
    await anonymous.finished;
    expect(anonymous.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('shares one poller among many subscribers and stops polling when they leave', async () => {
    const id = await seededEvaluation(emulator, 'EVALUATING');
    const first = record(client(), EVALUATION_UPDATED, { id });
    await eventually(() => first.events.length === 1, 'first subscriber');
    const before = polls();
    const others = Array.from({ length: 5 }, () => record(client(), EVALUATION_UPDATED, { id }));
    await eventually(() => others.every((watch) => watch.events.length === 1), 'the other subscribers');
    // The newcomers were served from the poller's latest snapshot.
    expect(polls() - before).toBeLessThanOrEqual(1);
    expect(instance.hub.stats()).toEqual({ pollers: 1, subscribers: 6, relays: 0, streamWatchers: 0 });

    // One poller waits at least the 50 ms interval between reads, however busy the machine: over
    // any window, at most one read per 50 ms (49: a timer may fire a millisecond early), where six
    // pollers would read six times as often. The window's length is measured, not assumed.
    emulator.resetStats();
    const windowStart = performance.now();
    await eventually(() => polls() >= 4, 'the shared poller keeps reading');
    const read = polls();
    const elapsed = performance.now() - windowStart;
    expect(read).toBeLessThanOrEqual(Math.floor(elapsed / 49) + 1);

    first.unsubscribe();
    await eventually(() => instance.hub.stats().subscribers === 5, 'complete from the client releases');
    for (const watch of others) watch.unsubscribe();
    await eventually(() => instance.hub.stats().subscribers === 0, 'all released');
    expect(instance.hub.stats().pollers).toBe(0);
    await sleep(60);
    const after = polls();
    emulator.advance(60_000);
    await sleep(300);
    expect(polls()).toBe(after);
  });

  it('releases subscribers when the client disconnects', async () => {
    const id = await seededEvaluation(emulator, 'EVALUATING');
    const disconnecting = client();
    const watches = [
      record(disconnecting, EVALUATION_UPDATED, { id }),
      record(disconnecting, EVALUATION_UPDATED, { id }),
    ];
    await eventually(() => watches.every((watch) => watch.events.length === 1), 'both subscribed');
    expect(instance.hub.stats()).toEqual({ pollers: 1, subscribers: 2, relays: 0, streamWatchers: 0 });
    await disconnecting.dispose();
    await eventually(() => instance.hub.stats().subscribers === 0, 'disconnect releases');
    expect(instance.hub.stats().pollers).toBe(0);
    const after = polls();
    await sleep(300);
    expect(polls()).toBe(after);
  });

  it('rides out a coordinator outage and delivers the terminal event exactly once', async () => {
    const id = await seededEvaluation(emulator, 'EVALUATING');
    const watch = record(client(), EVALUATION_UPDATED, { id });
    await eventually(() => watch.events.length === 1, 'first event');
    emulator.setFaults([{ route: POLL_ROUTE, kind: 'status', status: 503 }]);
    emulator.resetStats();
    emulator.advance(120_000);
    await sleep(600);
    expect(polls()).toBeGreaterThanOrEqual(2);
    expect(watch.completed).toBe(false);
    expect(watch.errors).toEqual([]);
    expect(watch.events).toHaveLength(1);
    emulator.clearFaults();
    await watch.finished;
    expect(watch.completed).toBe(true);
    expect(statuses(watch.events)).toEqual(['EVALUATING', 'COMPLETED']);
    expect(instance.hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('ends with UPSTREAM_UNAVAILABLE after pollGiveUpMs of continuous failure', async () => {
    await restart({ config: { pollGiveUpMs: 400, pollMaxIntervalMs: 100 } });
    const id = await seededEvaluation(emulator, 'EVALUATING');
    const watch = record(client(), EVALUATION_UPDATED, { id });
    await eventually(() => watch.events.length === 1, 'first event');
    emulator.setFaults([{ route: POLL_ROUTE, kind: 'status', status: 503 }]);
    await watch.finished;
    expect(watch.errors[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(instance.hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('stop(): /ready turns 503, live sockets close with 1001, the hub empties', async () => {
    await restart({ drainDelayMs: 150 });
    const id = await seededEvaluation(emulator, 'EVALUATING');
    const watching = client();
    const watch = record(watching, EVALUATION_UPDATED, { id });
    await eventually(() => watch.events.length === 1, 'first event');
    const readyUrl = instance.server.url.replace('/graphql', '/ready');
    expect((await fetch(readyUrl)).status).toBe(200);

    const stopping = instance.stop();
    await sleep(30);
    const ready = await fetch(readyUrl);
    expect(ready.status).toBe(503);
    // No new subscriptions while draining, on either transport.
    const late = await fetch(instance.server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${EMULATOR_KEYS.dev}`,
      },
      body: JSON.stringify({ query: EVALUATION_UPDATED, variables: { id } }),
    });
    expect(late.status).toBe(503);
    const lateWs = record(client(), EVALUATION_UPDATED, { id });
    await lateWs.finished;
    expect(lateWs.events).toEqual([]);
    expect(instance.hub.stats().subscribers).toBe(1);
    await stopping;
    await watch.finished;
    expect(watch.closeCode ?? watching.closeCodes[0]).toBe(1001);
    expect(instance.hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });
});

describe('live status over SSE', () => {
  it('streams the current state, the changes and a complete event', async () => {
    const id = await seededEvaluation(emulator, 'QUEUED');
    const sse = await recordSse(instance.server.url, EMULATOR_KEYS.dev, EVALUATION_UPDATED, { id });
    expect(sse.status).toBe(200);
    await eventually(() => sse.events.length === 1, 'first SSE event');
    await driveUntil(() => sse.events.some((event) => event.event === 'complete'));
    await sse.finished;
    const nexts = sse.events.filter((event) => event.event === 'next');
    const seen = nexts.map(
      (event) => (event.data as { data: { evaluationUpdated: { status: string } } }).data.evaluationUpdated.status,
    );
    expect(seen[0]).toBe('QUEUED');
    expect(seen.at(-1)).toBe('COMPLETED');
    expect(sse.events.at(-1)?.event).toBe('complete');
    expect(instance.hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('releases the subscriber when the client aborts', async () => {
    const id = await seededEvaluation(emulator, 'EVALUATING');
    const sse = await recordSse(instance.server.url, EMULATOR_KEYS.dev, EVALUATION_UPDATED, { id });
    await eventually(() => sse.events.length === 1, 'first SSE event');
    expect(instance.hub.stats()).toEqual({ pollers: 1, subscribers: 1, relays: 0, streamWatchers: 0 });
    sse.abort();
    await eventually(() => instance.hub.stats().subscribers === 0, 'abort releases');
    expect(instance.hub.stats().pollers).toBe(0);
  });

  it('reports NOT_FOUND for an unknown id', async () => {
    const sse = await recordSse(instance.server.url, EMULATOR_KEYS.dev, EVALUATION_UPDATED, {
      id: 'eval_doesnotexist',
    });
    await sse.finished;
    const errors = sse.events.flatMap(
      (event) => (event.data as { errors?: Array<{ extensions?: { code?: string } }> } | null)?.errors ?? [],
    );
    expect(errors[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(instance.hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });
});

describe('bounds no client can push', () => {
  const code = (recording: { errors: Array<{ extensions?: Record<string, unknown> }> }) =>
    recording.errors[0]?.extensions?.code;

  it('polls at most maxPollers resources: one more fails with UPSTREAM_UNAVAILABLE, a polled one still joins', async () => {
    await restart({ maxPollers: 1 });
    const training = (await jobNamed(emulator, SEEDED.trainingWithCheckpoints)).job_id as string;
    const queued = (await jobNamed(emulator, SEEDED.queued)).job_id as string;
    const first = record(client(), JOB_UPDATED, { id: training });
    await eventually(() => first.events.length === 1, 'the first watch polls');

    const refused = record(client(), JOB_UPDATED, { id: queued });
    await refused.finished;
    expect(refused.events).toEqual([]);
    expect(code(refused)).toBe('UPSTREAM_UNAVAILABLE');
    expect(refused.errors[0]?.message).toMatch(/Too many resources are watched/);

    const joined = record(client(), JOB_UPDATED, { id: training });
    await eventually(() => joined.events.length === 1, 'a second watcher of the polled job');
    expect(joined.errors).toEqual([]);
    expect(instance.hub.stats()).toMatchObject({ pollers: 1, subscribers: 2 });

    // The bound counts open pollers, not watches ever made: once the first ends, another may start.
    first.unsubscribe();
    joined.unsubscribe();
    await eventually(() => instance.hub.stats().pollers === 0, 'the poller to stop');
    const later = record(client(), JOB_UPDATED, { id: queued });
    await eventually(() => later.events.length === 1, 'a watch after the poller stopped');
    expect(later.errors).toEqual([]);
  });

  it('relays at most maxTopics job streams: one more fails with UPSTREAM_UNAVAILABLE, a relayed one still joins', async () => {
    await restart({ streams: { maxTopics: 1 } });
    const id = (await jobNamed(emulator, SEEDED.trainingWithCheckpoints)).job_id as string;
    const logs = record(client(), JOB_LOGS, { id, tail: 1 });
    await eventually(() => logs.events.length === 1, 'the log tail');

    const metrics = record(client(), JOB_METRICS, { id });
    await metrics.finished;
    expect(metrics.events).toEqual([]);
    expect(code(metrics)).toBe('UPSTREAM_UNAVAILABLE');
    expect(metrics.errors[0]?.message).toMatch(/Too many job streams/);

    const again = record(client(), JOB_LOGS, { id, tail: 1 });
    await eventually(() => again.events.length === 1, 'a second watcher of the relayed stream');
    expect(again.errors).toEqual([]);
    expect(instance.hub.stats()).toMatchObject({ relays: 1, streamWatchers: 2 });
  });
});
