/**
 * Job streams across two gateway instances sharing Redis, through real sockets: one upstream
 * stream for both, every line on both, and a hand-over without a lost or repeated line when the
 * instance that reads upstream goes away.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/emulator/index.js';
import { SEEDED } from '../src/emulator/seed.js';
import { jobNamed } from './support/emulator-http.js';
import { expectContiguous, JOB_LOGS, linesOf } from './support/job-streams.js';
import {
  EMULATOR_KEYS,
  type LiveInstance,
  record,
  redisAvailable,
  startEmulator,
  startLiveInstance,
  uniquePrefix,
  wsClient,
} from './support/live-stack.js';
import { eventually } from './support/wait.js';

const LOGS_ROUTE = 'GET /jobs/{job_id}/logs';
const hasRedis = await redisAvailable();

describe.skipIf(!hasRedis)('job streams with Redis', () => {
  let emulator: Emulator;
  let a: LiveInstance;
  let b: LiveInstance;
  const clients: Array<{ dispose: () => void | Promise<void> }> = [];

  beforeEach(async () => {
    emulator = await startEmulator();
    const redisPrefix = uniquePrefix();
    // Long enough that a busy machine never costs a holder its lease by a late renewal; a holder
    // that stops releases it, so the hand-over below does not wait for expiry.
    a = await startLiveInstance(emulator, { redisPrefix, leaseTtlMs: 2000 });
    b = await startLiveInstance(emulator, { redisPrefix, leaseTtlMs: 2000 });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await a.stop();
    await b.stop();
    await emulator.close();
  });

  function client(instance: LiveInstance) {
    const created = wsClient(instance.wsUrl, EMULATOR_KEYS.dev);
    clients.push(created);
    return created;
  }

  const relays = () => a.hub.stats().relays + b.hub.stats().relays;

  it('one instance reads upstream, both fan out the same lines, and a late watcher elsewhere gets its tail', async () => {
    const id = (await jobNamed(emulator, SEEDED.trainingWithCheckpoints)).job_id as string;
    const onA = record(client(a), JOB_LOGS, { id, tail: 3 });
    const onB = record(client(b), JOB_LOGS, { id, tail: 3 });
    await eventually(() => onA.events.length >= 1 && onB.events.length >= 1, 'first events on both');
    expect(relays()).toBe(1);
    expect(linesOf(onB)).toEqual(linesOf(onA));

    emulator.advance(3000);
    await eventually(() => linesOf(onA).length === 6 && linesOf(onB).length === 6, 'three live lines on both');
    expect(linesOf(onB)).toEqual(linesOf(onA));
    expect(emulator.stats().max_in_flight[LOGS_ROUTE]).toBe(1);

    // The instance that does not read upstream serves a late watcher's tail from the shared journal.
    const reader = a.hub.stats().relays === 1 ? a : b;
    const other = reader === a ? b : a;
    const late = record(client(other), JOB_LOGS, { id, tail: 4 });
    await eventually(() => late.events.length >= 1, 'the late watcher’s first event');
    expect(linesOf(late)).toEqual(linesOf(onA).slice(-4));
    expect(emulator.stats().requests[LOGS_ROUTE]).toBe(1);
  });

  it('hands over to the other instance without losing or repeating a line', async () => {
    const id = (await jobNamed(emulator, SEEDED.trainingWithCheckpoints)).job_id as string;
    const onA = record(client(a), JOB_LOGS, { id, tail: 2 });
    const onB = record(client(b), JOB_LOGS, { id, tail: 2 });
    await eventually(() => onA.events.length >= 1 && onB.events.length >= 1, 'first events on both');
    const [holder, survivor, watch] = a.hub.stats().relays === 1 ? [a, b, onB] : [b, a, onA];
    emulator.advance(2000);
    await eventually(() => linesOf(watch).length === 4, 'two live lines');

    await holder.stop();
    // Lines written while nobody reads upstream, and after the survivor took over.
    emulator.advance(3000);
    await eventually(() => survivor.hub.stats().relays === 1, 'the survivor reads upstream');
    emulator.advance(2000);
    await eventually(() => linesOf(watch).length === 9, 'every line on the survivor');
    expectContiguous(linesOf(watch));
    expect(watch.errors).toEqual([]);
    expect(emulator.stats().max_in_flight[LOGS_ROUTE]).toBe(1);
  });
});
