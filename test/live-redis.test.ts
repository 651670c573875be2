/**
 * Many instances over the real Redis at 127.0.0.1:6379: leases, the channel with its retained
 * snapshot, fan-out and hand-over between two real servers, and idempotency across instances.
 * Every run uses its own key prefix. Without Redis the file is skipped (a failure with
 * CI_REQUIRE_REDIS=1).
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/emulator/index.js';
import { createRedisIdempotencyStore } from '../src/idempotency-redis.js';
import { createRedisLeaseStore } from '../src/live/lease.js';
import { createRedisPubSub } from '../src/live/pubsub.js';
import {
  EMULATOR_KEYS,
  EVALUATION_UPDATED,
  type LiveInstance,
  REDIS_URL,
  record,
  redisAvailable,
  seededEvaluation,
  startEmulator,
  startLiveInstance,
  uniquePrefix,
  wsClient,
} from './support/live-stack.js';
import { eventually, sleep } from './support/wait.js';

const hasRedis = await redisAvailable();
if (!hasRedis) console.warn('live-redis tests skipped: needs Redis at 127.0.0.1:6379');

const POLL_ROUTE = 'GET /evaluations/{evaluation_id}';

describe.skipIf(!hasRedis)('with Redis', () => {
  let redis: Redis;
  let prefix: string;
  const prefixes: string[] = [];

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    // Idempotency records live 24 h: remove this run's keys (everything else has short TTLs).
    for (const used of prefixes) {
      const keys = await redis.keys(`${used}*`);
      if (keys.length) await redis.del(...keys);
    }
    await redis.quit();
  });

  describe('lease store', () => {
    it('is exclusive, renewable only by its holder, released only by its holder', async () => {
      prefix = uniquePrefix();
      prefixes.push(prefix);
      const lease = createRedisLeaseStore(redis, prefix);
      expect(await lease.acquire('r', 'a', 1000)).toBe(true);
      expect(await lease.acquire('r', 'b', 1000)).toBe(false);
      expect(await lease.renew('r', 'b', 1000)).toBe(false);
      expect(await lease.renew('r', 'a', 1000)).toBe(true);
      await lease.release('r', 'b');
      expect(await redis.get(`${prefix}lease:r`)).toBe('a');
      await lease.release('r', 'a');
      expect(await lease.acquire('r', 'b', 60)).toBe(true);
      await sleep(100);
      // Expired: a dead holder's lease goes to the next contender.
      expect(await lease.acquire('r', 'a', 1000)).toBe(true);
      expect(await lease.renew('r', 'b', 1000)).toBe(false);
      await lease.release('r', 'a');
    });
  });

  describe('pub/sub channel', () => {
    it('delivers published messages and hands the retained one to late subscribers', async () => {
      prefix = uniquePrefix();
      prefixes.push(prefix);
      const subscriber = redis.duplicate();
      const pubsub = createRedisPubSub<{ n: number }>({ publisher: redis, subscriber, prefix });
      const seen: number[] = [];
      const first = await pubsub.subscribe('t', (message) => seen.push(message.n));
      expect(first.retained).toBeNull();
      await pubsub.publish('t', { n: 1 }, 1000);
      await eventually(() => seen.length === 1, 'delivery');
      const late = await pubsub.subscribe('t', () => {});
      expect(late.retained).toEqual({ n: 1 });
      await pubsub.clearRetained('t');
      expect((await pubsub.subscribe('t', () => {})).retained).toBeNull();
      await first.unsubscribe();
      await pubsub.close();
      subscriber.disconnect();
    });
  });

  describe('two gateway instances', () => {
    let emulator: Emulator;
    const instances: LiveInstance[] = [];
    const clients: Array<{ dispose: () => void | Promise<void> }> = [];

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
      await Promise.all(instances.splice(0).map((instance) => instance.stop()));
      await emulator.close();
    });

    async function two(): Promise<[LiveInstance, LiveInstance]> {
      emulator = await startEmulator();
      prefix = uniquePrefix();
      prefixes.push(prefix);
      const a = await startLiveInstance(emulator, { redisPrefix: prefix, config: { pollIntervalMs: 60 } });
      const b = await startLiveInstance(emulator, { redisPrefix: prefix, config: { pollIntervalMs: 60 } });
      instances.push(a, b);
      return [a, b];
    }

    function watch(instance: LiveInstance, id: string) {
      const client = wsClient(instance.wsUrl, EMULATOR_KEYS.dev);
      clients.push(client);
      return record(client, EVALUATION_UPDATED, { id });
    }

    const polls = () => emulator.stats().requests[POLL_ROUTE] ?? 0;
    const statuses = (events: Array<Record<string, unknown>>) =>
      events.map((event) => (event.evaluationUpdated as { status: string }).status);

    it('fan out every change to both, with one poller across them', async () => {
      const [a, b] = await two();
      const id = await seededEvaluation(emulator, 'QUEUED');
      const onA = watch(a, id);
      await eventually(() => onA.events.length === 1, 'first event on A');
      const before = polls();
      const onB = watch(b, id);
      await eventually(() => onB.events.length === 1, 'first event on B');
      // B served its subscriber from the retained snapshot.
      expect(polls() - before).toBeLessThanOrEqual(1);
      expect(a.hub.stats().pollers + b.hub.stats().pollers).toBe(1);

      emulator.resetStats();
      await sleep(600);
      // QUEUED polls every 180 ms ±15%: about 3 reads in 600 ms across both instances, not 6.
      expect(polls()).toBeGreaterThanOrEqual(2);
      expect(polls()).toBeLessThanOrEqual(5);

      for (let step = 0; step < 30 && !(onA.completed && onB.completed); step++) {
        emulator.advance(5000);
        await sleep(150);
      }
      await Promise.all([onA.finished, onB.finished]);
      expect(statuses(onA.events).at(-1)).toBe('COMPLETED');
      expect(statuses(onB.events)).toEqual(statuses(onA.events));
      for (const instance of [a, b])
        expect(instance.hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
      expect(await redis.keys(`${prefix}*`)).toEqual([]);
    });

    it('hands polling over when the lease holder stops', async () => {
      const [a, b] = await two();
      const id = await seededEvaluation(emulator, 'EVALUATING');
      const onA = watch(a, id);
      await eventually(() => onA.events.length === 1, 'first event on A');
      const onB = watch(b, id);
      await eventually(() => onB.events.length === 1, 'first event on B');
      const [holder, other, onOther] = a.hub.stats().pollers === 1 ? [a, b, onB] : [b, a, onA];
      expect(other.hub.stats().pollers).toBe(0);

      await holder.stop();
      await eventually(() => other.hub.stats().pollers === 1, 'the other instance polls', 60 * 2 + 100);
      emulator.advance(120_000);
      await onOther.finished;
      expect(statuses(onOther.events)).toEqual(['EVALUATING', 'COMPLETED']);
      expect(other.hub.stats()).toEqual({ pollers: 0, subscribers: 0, relays: 0, streamWatchers: 0 });
    });

    it('takes over from a holder that died without releasing its lease', async () => {
      const [a] = await two();
      const id = await seededEvaluation(emulator, 'EVALUATING');
      const scopeKeys = async () => redis.keys(`${prefix}live:lease:*`);
      const onA = watch(a, id);
      await eventually(() => onA.events.length === 1, 'first event');
      const [leaseKey] = await scopeKeys();
      expect(leaseKey).toMatch(/lease:evaluation:[\w-]+:eval_/);
      // The lease key holds a scope digest, never the token.
      expect(leaseKey).not.toContain(EMULATOR_KEYS.dev);
      await a.stop();
      // A "dead" holder: the lease is taken and nobody renews it.
      await redis.set(leaseKey as string, 'dead-instance', 'PX', 90);
      const b = instances[1] as LiveInstance;
      const onB = watch(b, id);
      const started = Date.now();
      await eventually(() => onB.events.length === 1, 'B polls after the dead lease expires');
      expect(Date.now() - started).toBeLessThan(60 * 2 + 150);
      expect(b.hub.stats().pollers).toBe(1);
    });
  });

  describe('idempotency across instances', () => {
    it('posts once when two instances get the same submit concurrently', async () => {
      const emulator = await startEmulator();
      prefix = uniquePrefix();
      prefixes.push(prefix);
      const a = await startLiveInstance(emulator, { redisPrefix: prefix });
      const b = await startLiveInstance(emulator, { redisPrefix: prefix });
      try {
        const jobs = await fetch(`${emulator.url}/jobs?status=COMPLETED&page_size=1`, {
          headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
        });
        const jobId = ((await jobs.json()) as { data: { jobs: Array<{ job_id: string }> } }).data.jobs[0]?.job_id;
        expect(jobId).toBeDefined();
        emulator.resetStats();
        const submit = async (instance: LiveInstance) => {
          const response = await instance.gateway.fetch('http://gateway.test/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${EMULATOR_KEYS.dev}` },
            body: JSON.stringify({
              query:
                'mutation($input: SubmitEvaluationInput!) { submitEvaluation(input: $input) { evaluation { evaluationId } userErrors { code message } } }',
              variables: { input: { jobId, benchmarks: [{ name: 'mmlu' }], idempotencyKey: 'retry-me' } },
            }),
          });
          return (await response.json()) as { data: { submitEvaluation: { evaluation: { evaluationId: string } } } };
        };
        const results = await Promise.all([submit(a), submit(b), submit(a), submit(b)]);
        const ids = results.map((result) => result.data.submitEvaluation.evaluation.evaluationId);
        expect(new Set(ids).size).toBe(1);
        expect(emulator.stats().requests['POST /evaluations']).toBe(1);
      } finally {
        await a.stop();
        await b.stop();
        await emulator.close();
      }
    });

    it('reports a mismatch for the same key with another input, and forgets failures', async () => {
      prefix = uniquePrefix();
      prefixes.push(prefix);
      const store = createRedisIdempotencyStore(redis, { prefix });
      expect(await store.run('k', 'fp1', async () => 'eval_1')).toEqual({ kind: 'fresh', value: 'eval_1' });
      expect(await store.run('k', 'fp1', async () => 'eval_2')).toEqual({ kind: 'replayed', value: 'eval_1' });
      expect(await store.run('k', 'fp2', async () => 'eval_3')).toEqual({ kind: 'mismatch' });
      await expect(store.run('f', 'fp', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await store.run('f', 'fp', async () => 'eval_4')).toEqual({ kind: 'fresh', value: 'eval_4' });
    });
  });
});
