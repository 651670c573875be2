/**
 * The hub against a scripted upstream: sharing, ref-counting, change detection, outages and the
 * lease hand-over, with no sockets involved. Intervals are 20 ms so every test takes well under 1 s.
 */
import type { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import type { Evaluation } from '../src/coordinator/domain.js';
import { createLiveHub, type LiveHubOptions, type PollingLiveHub } from '../src/live/hub.js';
import { createMemoryLeaseStore } from '../src/live/lease.js';
import { createMemoryPubSub } from '../src/live/pubsub.js';
import type { LiveMessage, Watcher } from '../src/live/types.js';
import { createFakeUpstream, type FakeUpstream, fakeEvaluation, httpError } from './support/live-fakes.js';
import { eventually, sleep } from './support/wait.js';

const INTERVAL = 20;
const alice: Watcher = { credential: 'Bearer alice', credentialScope: 'scope-alice' };
const bob: Watcher = { credential: 'Bearer bob', credentialScope: 'scope-bob' };

const hubs: PollingLiveHub[] = [];
/** A hub over a fake upstream holding one evaluation, e1, while it is EVALUATING. */
function evaluatingHub(): { upstream: FakeUpstream; hub: PollingLiveHub } {
  const upstream = createFakeUpstream();
  upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
  return { upstream, hub: hubFor(upstream) };
}

function hubFor(upstream: FakeUpstream, overrides: Partial<LiveHubOptions> = {}): PollingLiveHub {
  const hub = createLiveHub({
    fetch: upstream.fetch,
    pollIntervalMs: INTERVAL,
    pollMaxIntervalMs: 200,
    pollGiveUpMs: 5000,
    ...overrides,
  });
  hubs.push(hub);
  return hub;
}

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

function iterate(hub: PollingLiveHub, id: string, watcher: Watcher = alice): AsyncIterator<Evaluation> {
  return hub.watch('evaluation', id, watcher)[Symbol.asyncIterator]();
}

async function nextValue(iterator: AsyncIterator<Evaluation>): Promise<Evaluation> {
  const result = await iterator.next();
  if (result.done) throw new Error('stream ended unexpectedly');
  return result.value;
}

async function rejection(promise: Promise<unknown>): Promise<GraphQLError> {
  try {
    await promise;
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a rejection');
}

describe('live hub (in-memory)', () => {
  it('sends the current state at once, then only visible changes, and completes after a terminal status', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'QUEUED'));
    const hub = hubFor(upstream);
    const events = iterate(hub, 'e1');

    expect((await nextValue(events)).status).toBe('QUEUED');
    // Polls that see only a new `raw` (fresh on every read) produce nothing.
    const before = upstream.totalCalls();
    await eventually(() => upstream.totalCalls() >= before + 2, 'two more polls');
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
    expect((await nextValue(events)).status).toBe('EVALUATING');
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING', 0.7));
    const scored = await nextValue(events);
    expect(scored.benchmarks[0]?.score).toBe(0.7);
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'COMPLETED', 0.7));
    expect((await nextValue(events)).status).toBe('COMPLETED');
    expect((await events.next()).done).toBe(true);

    expect(hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
    const after = upstream.totalCalls();
    await sleep(INTERVAL * 4);
    expect(upstream.totalCalls()).toBe(after);
  });

  it('shares one poller between the subscribers of one resource and scope', async () => {
    const { upstream, hub } = evaluatingHub();
    const first = iterate(hub, 'e1');
    await nextValue(first);
    const callsBefore = upstream.totalCalls();

    const others = [iterate(hub, 'e1'), iterate(hub, 'e1')];
    // The newcomers get the poller's latest snapshot at once: no upstream call for them.
    for (const other of others) expect((await nextValue(other)).status).toBe('EVALUATING');
    expect(upstream.totalCalls()).toBe(callsBefore);
    expect(hub.stats()).toEqual({ pollers: 1, subscribers: 3, relays: 0, streamWatchers: 0 });

    // One read per interval for all three (allowing for timer slack and jitter).
    upstream.calls.clear();
    await sleep(INTERVAL * 10);
    expect(upstream.totalCalls()).toBeGreaterThanOrEqual(3);
    expect(upstream.totalCalls()).toBeLessThanOrEqual(11);

    upstream.evaluations.set('e1', fakeEvaluation('e1', 'FAILED'));
    for (const iterator of [first, ...others]) expect((await nextValue(iterator)).status).toBe('FAILED');
    expect(hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('keeps scopes apart: one poller per scope, and a foreign resource is NOT_FOUND', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('a1', fakeEvaluation('a1', 'EVALUATING'));
    upstream.owners.set('a1', alice.credential);
    upstream.evaluations.set('b1', fakeEvaluation('b1', 'EVALUATING'));
    upstream.owners.set('b1', bob.credential);
    const hub = hubFor(upstream);

    const mine = iterate(hub, 'a1', alice);
    const theirs = iterate(hub, 'b1', bob);
    await nextValue(mine);
    await nextValue(theirs);
    expect(hub.stats()).toEqual({ pollers: 2, subscribers: 2, relays: 0, streamWatchers: 0 });
    expect(hub.polledTopics().sort()).toEqual(['evaluation:scope-alice:a1', 'evaluation:scope-bob:b1']);

    // Bob subscribing to Alice's evaluation does not join Alice's poller: his own read fails.
    const error = await rejection(iterate(hub, 'a1', bob).next());
    expect(error.extensions.code).toBe('NOT_FOUND');
    expect(hub.stats()).toEqual({ pollers: 2, subscribers: 2, relays: 0, streamWatchers: 0 });
    await mine.return?.();
    await theirs.return?.();
    expect(hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('rejects the first next() of an unknown id with NOT_FOUND and leaves nothing behind', async () => {
    const upstream = createFakeUpstream();
    const hub = hubFor(upstream);
    const error = await rejection(iterate(hub, 'nope').next());
    expect(error.extensions.code).toBe('NOT_FOUND');
    expect(hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
    await sleep(INTERVAL * 3);
    expect(upstream.totalCalls()).toBe(1);
  });

  it('maps 403 to FORBIDDEN', async () => {
    const upstream = createFakeUpstream();
    upstream.failWith = httpError(403);
    const hub = hubFor(upstream);
    const error = await rejection(iterate(hub, 'e1').next());
    expect(error.extensions.code).toBe('FORBIDDEN');
  });

  it('stops polling when the last subscriber leaves (return() while a next() is pending)', async () => {
    const { upstream, hub } = evaluatingHub();
    const a = iterate(hub, 'e1');
    const b = iterate(hub, 'e1');
    await nextValue(a);
    await nextValue(b);
    const pending = a.next();
    await a.return?.();
    expect((await pending).done).toBe(true);
    expect(hub.stats()).toEqual({ pollers: 1, subscribers: 1, relays: 0, streamWatchers: 0 });
    await b.return?.();
    expect(hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
    const calls = upstream.totalCalls();
    await sleep(INTERVAL * 5);
    expect(upstream.totalCalls()).toBe(calls);
  });

  it('releases a subscriber whose signal aborts', async () => {
    const { hub } = evaluatingHub();
    const controller = new AbortController();
    const events = hub.watch('evaluation', 'e1', { ...alice, signal: controller.signal })[Symbol.asyncIterator]();
    await nextValue(events);
    const pending = events.next();
    controller.abort();
    expect((await pending).done).toBe(true);
    expect(hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('rides out an outage: last state kept, resumes, terminal delivered exactly once', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
    const hub = hubFor(upstream, { pollGiveUpMs: 2000 });
    const events = iterate(hub, 'e1');
    const seen: string[] = [];
    const consumed = (async () => {
      for (;;) {
        const result = await events.next();
        if (result.done) return;
        seen.push(result.value.status);
      }
    })();
    await eventually(() => seen.length === 1, 'first event');

    upstream.failWith = httpError(503);
    const callsAtOutage = upstream.totalCalls();
    await eventually(() => upstream.totalCalls() >= callsAtOutage + 3, 'polls during the outage');
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'COMPLETED', 0.9));
    expect(hub.stats().subscribers).toBe(1);
    upstream.failWith = null;

    await consumed;
    expect(seen).toEqual(['EVALUATING', 'COMPLETED']);
    expect(hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  /**
   * Gaps between the reads from index `from` on. A timer never fires (more than a millisecond)
   * early, so a gap's lower bound holds however busy the machine is; upper bounds would not.
   */
  const gapsSince = (upstream: FakeUpstream, from: number) =>
    upstream.readTimes.slice(from + 1).map((at, i) => at - (upstream.readTimes[from + i] as number));

  it('backs off during an outage and honours Retry-After', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
    const hub = hubFor(upstream, { pollMaxIntervalMs: 1000 });
    const events = iterate(hub, 'e1');
    await nextValue(events);
    upstream.failWith = httpError(503);
    const outageFrom = upstream.readTimes.length;
    await eventually(() => upstream.readTimes.length >= outageFrom + 5, 'four reads into the outage');
    // 20 ms base doubling per failure (40, 80, 160 ms ...), ±15 % jitter.
    const gaps = gapsSince(upstream, outageFrom).slice(0, 4);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(INTERVAL * 2 ** (i + 1) * 0.85 - 1);
    });

    upstream.failWith = httpError(429, 1);
    const limitedFrom = upstream.readTimes.length;
    await eventually(() => upstream.readTimes.length >= limitedFrom + 2, 'a read after the 429', 10_000);
    // The 429 asked for 1 s: the read after it waits at least that long.
    expect(gapsSince(upstream, limitedFrom)[0]).toBeGreaterThanOrEqual(999);
    await events.return?.();
  });

  it('stretches the interval when the rate-limit budget runs low', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
    // 2 of 60 calls left, window resets in 0.5 s: one call per 250 ms rather than per 20 ms.
    upstream.rateLimit = { limit: 60, remaining: 2, resetSeconds: 0.5 };
    const hub = hubFor(upstream, { pollMaxIntervalMs: 1000 });
    const events = iterate(hub, 'e1');
    await nextValue(events);
    const lowFrom = upstream.readTimes.length - 1;
    await eventually(() => upstream.readTimes.length >= lowFrom + 3, 'two reads on a low budget');
    for (const gap of gapsSince(upstream, lowFrom)) expect(gap).toBeGreaterThanOrEqual(250 * 0.85 - 1);

    // With the budget back, reads return to the 20 ms interval (well under the stretched 212 ms).
    upstream.rateLimit = { limit: 60, remaining: 50, resetSeconds: 0.5 };
    const healthyFrom = upstream.readTimes.length;
    await eventually(
      () => gapsSince(upstream, healthyFrom).some((gap) => gap < 150),
      'reads at the normal interval again',
      10_000,
    );
    await events.return?.();
  });

  it('ends with UPSTREAM_UNAVAILABLE after pollGiveUpMs of continuous failure', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
    const hub = hubFor(upstream, { pollGiveUpMs: 250, pollMaxIntervalMs: 60 });
    const events = iterate(hub, 'e1');
    await nextValue(events);
    upstream.failWith = httpError(503);
    const started = Date.now();
    const error = await rejection(events.next());
    expect(error.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('close() ends every watch and stops every poller', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
    upstream.evaluations.set('e2', fakeEvaluation('e2', 'QUEUED'));
    const hub = hubFor(upstream);
    const a = iterate(hub, 'e1');
    const b = iterate(hub, 'e2');
    await nextValue(a);
    await nextValue(b);
    const pending = a.next();
    await hub.close();
    expect((await pending).done).toBe(true);
    expect((await b.next()).done).toBe(true);
    expect(hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
    expect(() => hub.watch('evaluation', 'e1', alice)).toThrow(/shutting down/);
  });
});

describe('live hub (two instances over a shared channel and lease)', () => {
  it('polls once across instances, fans out to both, and hands over when the holder stops', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'QUEUED'));
    const pubsub = createMemoryPubSub<LiveMessage>();
    const lease = createMemoryLeaseStore();
    const one = hubFor(upstream, { pubsub, lease, instanceId: 'one' });
    const two = hubFor(upstream, { pubsub, lease, instanceId: 'two' });

    const onOne = iterate(one, 'e1');
    expect((await nextValue(onOne)).status).toBe('QUEUED');
    const calls = upstream.totalCalls();
    const onTwo = iterate(two, 'e1');
    // Instance two serves its subscriber from the retained snapshot: no upstream call.
    expect((await nextValue(onTwo)).status).toBe('QUEUED');
    expect(upstream.totalCalls()).toBe(calls);
    await sleep(INTERVAL * 3);
    expect(one.stats().pollers + two.stats().pollers).toBe(1);

    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
    expect((await nextValue(onOne)).status).toBe('EVALUATING');
    expect((await nextValue(onTwo)).status).toBe('EVALUATING');

    const [holder, holderIterator, other, otherIterator] =
      one.stats().pollers === 1 ? [one, onOne, two, onTwo] : [two, onTwo, one, onOne];
    await holderIterator.return?.();
    await holder.close();
    await eventually(() => other.stats().pollers === 1, 'the other instance takes over', INTERVAL * 4);
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'COMPLETED', 0.8));
    expect((await nextValue(otherIterator)).status).toBe('COMPLETED');
    expect((await otherIterator.next()).done).toBe(true);
    expect(other.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
  });

  it('takes over from a holder that dies without releasing, within two intervals', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
    const pubsub = createMemoryPubSub<LiveMessage>();
    const lease = createMemoryLeaseStore();
    // The "dead" instance keeps its lease (no renewals, no release): a lease store nobody else sees.
    await lease.acquire('evaluation:scope-alice:e1', 'dead', INTERVAL * 1.5);
    const live = hubFor(upstream, { pubsub, lease, instanceId: 'live' });
    const events = iterate(live, 'e1');
    const started = Date.now();
    expect((await nextValue(events)).status).toBe('EVALUATING');
    expect(Date.now() - started).toBeLessThan(INTERVAL * 2 + 40);
    await events.return?.();
  });
});

describe('live hub when the lease store fails (Redis unreachable)', () => {
  it('keeps serving its own subscribers by polling without a lease', async () => {
    const upstream = createFakeUpstream();
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'EVALUATING'));
    const down = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    const hub = hubFor(upstream, { lease: { acquire: down, renew: down, release: down } });
    const events = iterate(hub, 'e1');

    expect((await nextValue(events)).status).toBe('EVALUATING');
    upstream.evaluations.set('e1', fakeEvaluation('e1', 'COMPLETED', 0.5));
    expect((await nextValue(events)).status).toBe('COMPLETED');
    expect((await events.next()).done).toBe(true);
  });
});
