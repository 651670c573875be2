/**
 * Fan-out benchmark: many graphql-ws subscribers on few resources, with the emulator, the gateway
 * (the real `src/main.ts`, configured by env) and the subscribers (this process) in separate
 * processes, pinned with taskset where available.
 *
 *   npx tsx bench/fanout.ts [subscribers=2000] [changes=9] [pollIntervalMs=250] [resources=200] [perResource=10]
 *   npx tsx bench/fanout.ts --redis [same numbers]      # two gateways sharing Redis (REDIS_URL)
 *   npm run bench -- fanout | fanout-redis [numbers]     # the same, through bench/run.ts
 *
 * Scenarios:
 * - one: `subscribers` sockets on one running evaluation (6 benchmarks, so 9 visible changes);
 * - many: `resources` evaluations × `perResource` sockets each (3 benchmarks, 6 changes each);
 * - with `--redis` (or BENCH_SCENARIO=fanout-redis) both run on two gateway processes sharing
 *   Redis, every resource's subscribers split across the two.
 *
 * Reported: upstream reads of `GET /evaluations/{id}` per poll interval per resource (the
 * emulator's own counters, over 20 quiet intervals while every resource is running: 1 means one
 * poller per resource whatever the number of subscribers and instances); delivery latency from
 * the moment the gateway's HTTP client finished receiving the poll response that shows a change
 * to the last subscriber of that resource receiving it; gateway memory per subscriber.
 *
 * "The poll that sees a change" is timestamped inside the gateway without touching its code: the
 * gateway process is started as this file with FANOUT_PROBE=1, which subscribes to undici's
 * diagnostics channels (every coordinator call goes through undici), compares each
 * `GET /evaluations/{id}` response body with the previous one, and then imports `src/main.ts`,
 * which runs exactly as `npm start` would. The probe answers the harness over IPC (changes,
 * per-id poll counts, memory after a forced GC).
 *
 * Progress goes to stderr; the last stdout line is one JSON document. Bounded: every child exits
 * with the harness (watchdog) and the harness gives up after 175 s.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { Emu } from './lib/emulator.js';
import type { Proc } from './lib/procs.js';
import { machine } from './lib/util.js';

/** Wall-clock ms with sub-ms precision, comparable across processes of this machine. */
const now = () => performance.timeOrigin + performance.now();

type ProbeMessage =
  | { type: 'change'; id: string; at: number }
  | { type: 'polls'; polls: Record<string, number> }
  | { type: 'memory'; rss: number; heapUsed: number; heapTotal: number; external: number; newSpace: number };
type HarnessMessage = { type: 'mark' } | { type: 'polls' } | { type: 'memory' };

// ---------------------------------------------------------------------------------------------
// Gateway side: the probe, then src/main.ts
// ---------------------------------------------------------------------------------------------

interface UndiciRequest {
  method: string;
  path: string;
}

async function probeThenGateway(): Promise<void> {
  const send = (message: ProbeMessage) => process.send?.(message);
  const pathId = (request: UndiciRequest) =>
    request.method === 'GET' ? /\/evaluations\/([^/?]+)(?:\?|$)/.exec(request.path)?.[1] : undefined;
  const bodies = new WeakMap<object, Buffer[]>();
  const lastBody = new Map<string, string>();
  const polls: Record<string, number> = {};
  let marked = false;

  diagnosticsChannel.subscribe('undici:request:create', (message) => {
    const { request } = message as { request: UndiciRequest };
    if (pathId(request) !== undefined) bodies.set(request, []);
  });
  diagnosticsChannel.subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
    if (response.statusCode !== 200) bodies.delete(request);
  });
  diagnosticsChannel.subscribe('undici:request:bodyChunkReceived', (message) => {
    const { request, chunk } = message as { request: UndiciRequest; chunk: Buffer };
    bodies.get(request)?.push(chunk);
  });
  diagnosticsChannel.subscribe('undici:request:trailers', (message) => {
    const { request } = message as { request: UndiciRequest };
    const chunks = bodies.get(request);
    if (chunks === undefined) return;
    // The response is complete: from here the gateway parses, fingerprints and fans out.
    const at = now();
    bodies.delete(request);
    const id = pathId(request) as string;
    polls[id] = (polls[id] ?? 0) + 1;
    // The emulator's clock is frozen between advances: the same state gives the same bytes.
    const body = Buffer.concat(chunks).toString('utf8');
    const previous = lastBody.get(id);
    lastBody.set(id, body);
    if (marked && previous !== undefined && previous !== body) send({ type: 'change', id, at });
  });
  process.on('message', (message: HarnessMessage) => {
    if (message.type === 'mark') marked = true;
    else if (message.type === 'polls') send({ type: 'polls', polls: { ...polls } });
    else if (message.type === 'memory') {
      globalThis.gc?.();
      globalThis.gc?.();
      const usage = process.memoryUsage();
      const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
      send({
        type: 'memory',
        rss: usage.rss,
        heapUsed: usage.heapUsed,
        heapTotal: usage.heapTotal,
        external: usage.external,
        newSpace: newSpace?.space_size ?? 0,
      });
    }
  });
  // The IPC channel must not keep the gateway alive after its own shutdown.
  process.channel?.unref();
  await import('../src/main.js');
}

// ---------------------------------------------------------------------------------------------
// Harness side
// ---------------------------------------------------------------------------------------------

// The id goes in variables, as client libraries send it (an inline literal would also work on
// plain graphql-js, but not under graphql-jit, which drops inline arguments of subscriptions).
const QUERY =
  'subscription Watch($id: ID!) { evaluationUpdated(id: $id) { status message benchmarks { name score } } }';
const STATS_ROUTE = 'GET /evaluations/{evaluation_id}';
const MAX_SECONDS = 175;
const log = (line: string) => process.stderr.write(`[fanout] ${line}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number);
}
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

interface Gateway {
  index: number;
  proc: Proc;
  wsUrl: string;
  ask<T extends 'polls' | 'memory'>(type: T): Promise<Extract<ProbeMessage, { type: T }>>;
  mark(): void;
}

interface Change {
  gateway: number;
  id: string;
  at: number;
}

interface Subscriber {
  id: string;
  gateway: number;
  /** Receipt times of every event after the first (the state at subscribe time). */
  receipts: number[];
  dispose(): Promise<void>;
}

interface Settings {
  subscribers: number;
  changes: number;
  pollIntervalMs: number;
  resources: number;
  perResource: number;
  redis: boolean;
  pin: boolean;
}

function parseSettings(): Settings {
  const args = process.argv.slice(2);
  const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const unknown = args.filter((a) => !/^\d+$/.test(a) && a !== '--redis' && a !== '--no-pin');
  if (unknown.length) {
    process.stderr.write(`fanout: unknown argument(s) ${unknown.join(' ')}\n`);
    process.exit(2);
  }
  const [subscribers = 2000, changes = 9, pollIntervalMs = 250, resources = 200, perResource = 10] = numbers;
  return {
    subscribers,
    changes: Math.min(9, Math.max(1, changes)),
    pollIntervalMs: Math.max(50, pollIntervalMs),
    resources,
    perResource,
    redis: args.includes('--redis') || process.env.BENCH_SCENARIO === 'fanout-redis',
    pin: !args.includes('--no-pin'),
  };
}

async function harness(): Promise<void> {
  const started = Date.now();
  const settings = parseSettings();
  const procs = await import('./lib/procs.js');
  const { npmStartFlags } = await import('./lib/build.js');
  const { AUTH, emulatorOf } = await import('./lib/emulator.js');
  const { WebSocket } = await import('ws');

  setTimeout(() => {
    log(`gave up after ${MAX_SECONDS} s`);
    process.exit(3);
  }, MAX_SECONDS * 1000).unref();

  const scenario = settings.redis ? 'fanout-redis' : 'fanout';
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench -- ${scenario}${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`
      : `npx tsx bench/fanout.ts ${process.argv.slice(2).join(' ')}`.trim();
  const report: Record<string, unknown> = { machine: machine(), command };

  // Layout: the gateway(s) alone on core 1; emulator, subscribers (this process) on core 0.
  const tasksetFound = procs.tasksetAvailable();
  const pinning = settings.pin && tasksetFound && os.cpus().length >= 2;
  const gatewayCpus = pinning ? '1' : null;
  const restCpus = pinning ? '0' : null;
  const harnessPinned = restCpus !== null && procs.pin(process.pid, restCpus);
  const observed: Record<string, string | null> = {};
  const expected: Record<string, string> = {};

  const childEnv = { NODE_ENV: 'production', BENCH_MAX_SECONDS: String(MAX_SECONDS + 20) };
  const emuProc = await procs.spawnNode('emulator', {
    script: 'src/main.ts',
    args: ['emulator'],
    env: { ...childEnv, EMULATOR_PORT: '0', EMULATOR_SPEED: '0' },
    cpus: restCpus,
    ready: /^ScaiMind emulator:\s+(\S+)/,
  });
  observed.emulator = procs.affinityOf(emuProc.pid);
  if (restCpus) expected.emulator = restCpus;
  const emu: Emu = emulatorOf(emuProc, 0, 36);

  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const instances = settings.redis ? 2 : 1;
  const gateways: Gateway[] = [];
  const changes: Change[] = [];

  async function startGateway(index: number): Promise<Gateway> {
    const env: Record<string, string> = {
      ...childEnv,
      FANOUT_PROBE: '1',
      HOST: '127.0.0.1',
      PORT: '0',
      COORDINATOR_URL: emu.baseUrl,
      POLL_INTERVAL_MS: String(settings.pollIntervalMs),
      POLL_MAX_INTERVAL_MS: String(settings.pollIntervalMs * 10),
      LOG_LEVEL: 'info',
    };
    if (settings.redis) env.REDIS_URL = redisUrl;
    const proc = await procs.spawnNode(`gateway${index}`, {
      script: 'bench/fanout.ts',
      env,
      cpus: gatewayCpus,
      // As `npm start`, plus --expose-gc for the memory reading.
      nodeFlags: [...npmStartFlags(), '--expose-gc'],
      ready: /"msg":"gateway listening".*?"url":"([^"]+)"/,
      ipc: true,
    });
    observed[`gateway${index}`] = procs.affinityOf(proc.pid);
    if (gatewayCpus) expected[`gateway${index}`] = gatewayCpus;
    const waiting = new Map<string, Array<(message: ProbeMessage) => void>>();
    proc.child.on('message', (message: ProbeMessage) => {
      if (message.type === 'change') changes.push({ gateway: index, id: message.id, at: message.at });
      else waiting.get(message.type)?.shift()?.(message);
    });
    return {
      index,
      proc,
      wsUrl: proc.url.replace(/^http/, 'ws'),
      ask(type) {
        return new Promise((resolve, reject) => {
          if (proc.exited()) return reject(new Error(`${proc.name} exited during the run`));
          const timer = setTimeout(() => reject(new Error(`${proc.name} did not answer "${type}"`)), 10_000);
          const list = waiting.get(type) ?? [];
          list.push(((message: ProbeMessage) => {
            clearTimeout(timer);
            resolve(message as never);
          }) as (message: ProbeMessage) => void);
          waiting.set(type, list);
          proc.child.send({ type } satisfies HarnessMessage);
        });
      },
      mark: () => proc.child.send({ type: 'mark' } satisfies HarnessMessage),
    };
  }

  const redis = settings.redis ? new (await import('ioredis')).Redis(redisUrl, { maxRetriesPerRequest: 2 }) : null;
  /** Keys of the gateways' live channel that belong to these evaluation ids (ids repeat across runs). */
  async function liveKeys(ids: Set<string>): Promise<Array<{ key: string; pttl: number }>> {
    if (!redis) return [];
    const found: Array<{ key: string; pttl: number }> = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'scaimind:live:*', 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        if (ids.has(key.slice(key.lastIndexOf(':') + 1))) found.push({ key, pttl: await redis.pttl(key) });
      }
    } while (cursor !== '0');
    return found;
  }
  /**
   * Evaluation ids are deterministic (a fresh emulator replays the same ids), so a crashed earlier
   * run may have left a lease or a retained snapshot for the same topics. Both carry a TTL of a few
   * poll intervals: wait them out rather than delete anything.
   */
  async function awaitNoLeftovers(ids: Set<string>): Promise<number> {
    const deadline = Date.now() + 20_000;
    let leftovers = await liveKeys(ids);
    const initial = leftovers.length;
    while (leftovers.length > 0) {
      if (leftovers.some((k) => k.pttl === -1) || Date.now() > deadline) {
        throw new Error(`leftover Redis keys without a short TTL: ${JSON.stringify(leftovers.slice(0, 5))}`);
      }
      log(`waiting for ${leftovers.length} leftover Redis key(s) of an earlier run to expire`);
      await sleep(Math.min(2000, Math.max(50, ...leftovers.map((k) => k.pttl))));
      leftovers = await liveKeys(ids);
    }
    return initial;
  }

  /** Other processes' CPU use (cores) over `ms`. */
  async function foreignLoad(ms: number): Promise<number> {
    const busy = procs.machineBusyMs().total;
    const own = procs.ownCpuMs();
    const t = performance.now();
    await sleep(ms);
    return Math.max(0, procs.machineBusyMs().total - busy - (procs.ownCpuMs() - own)) / (performance.now() - t);
  }
  /** Waits (at most `maxMs`) until processes that are not ours use less than 0.25 core. */
  async function awaitQuiet(maxMs: number): Promise<{ waitedS: number }> {
    const t = performance.now();
    for (;;) {
      const load = await foreignLoad(500);
      if (load < 0.25 || performance.now() - t > maxMs) {
        if (load >= 0.25) log(`other processes still use ${load.toFixed(2)} core(s); measuring anyway`);
        return { waitedS: round((performance.now() - t) / 1000, 1) };
      }
    }
  }

  async function createEvaluations(count: number, benchmarks: string[]): Promise<string[]> {
    const { jobs } = await emu.rest<{ jobs: Array<{ job_id: string }> }>('GET', '/jobs?status=COMPLETED&page_size=1');
    const jobId = jobs[0]?.job_id;
    if (!jobId) throw new Error('no COMPLETED job in the emulator');
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const submitted = await emu.rest<{ evaluation_id: string }>('POST', '/evaluations', {
        job_id: jobId,
        // Required by the contract; the emulator refuses an evaluation without it (422).
        model_uri: `scaimind://jobs/${jobId}/final`,
        benchmarks: benchmarks.map((name) => ({ name })),
      });
      ids.push(submitted.evaluation_id);
    }
    return ids;
  }

  const advance = async (ms: number) => {
    const reply = await fetch(`${emu.origin}/_emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_ms: ms }),
    });
    await reply.arrayBuffer();
  };

  /**
   * One socket per subscriber speaking graphql-transport-ws (the graphql-ws protocol) directly on
   * `ws`: the receipt is timestamped when the frame arrives, before any parsing, and the harness
   * spends as little CPU per event as possible, so the last receipt measures the gateway rather
   * than the 2,000 clients sharing one core here.
   */
  function subscribeOne(url: string, id: string, subscriber: Subscriber): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      let first = true;
      subscriber.dispose = () =>
        new Promise<void>((done) => {
          if (socket.readyState === WebSocket.CLOSED) return done();
          socket.once('close', () => done());
          socket.close(1000);
        });
      socket.on('open', () =>
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: AUTH } })),
      );
      socket.on('message', (data: Buffer) => {
        const at = now();
        const message = JSON.parse(data.toString('utf8')) as { type: string; payload?: unknown };
        if (message.type === 'next') {
          if (first) {
            first = false;
            resolve();
          } else subscriber.receipts.push(at);
        } else if (message.type === 'connection_ack') {
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { id } } }));
        } else if (message.type === 'ping') {
          socket.send('{"type":"pong"}');
        } else if (message.type === 'error') {
          reject(new Error(`subscription error: ${JSON.stringify(message.payload)}`));
        }
      });
      socket.on('error', reject);
      socket.on('close', (code) => {
        if (first) reject(new Error(`socket closed before the first event (${code})`));
      });
    });
  }

  async function subscribeAll(
    ids: string[],
    perResource: number,
    halfway?: () => Promise<void>,
  ): Promise<Subscriber[]> {
    const half = Math.floor((ids.length * perResource) / 2);
    const subscribers: Subscriber[] = [];
    const firsts: Array<Promise<void>> = [];
    let n = 0;
    for (const id of ids) {
      for (let s = 0; s < perResource; s++, n++) {
        // Each resource's subscribers alternate between the instances.
        const gateway = gateways[s % gateways.length] as Gateway;
        const subscriber: Subscriber = { id, gateway: gateway.index, receipts: [], dispose: async () => {} };
        subscribers.push(subscriber);
        firsts.push(subscribeOne(gateway.wsUrl, id, subscriber));
        // Connect in batches so the accept queue never overflows.
        if (n % 200 === 199 || n + 1 === half) {
          await Promise.all(firsts);
          if (n + 1 >= half && halfway) {
            await halfway();
            halfway = undefined;
          }
        }
      }
    }
    await Promise.all(firsts);
    return subscribers;
  }

  /**
   * One scenario: subscribe, then move the evaluations through their states by advancing the
   * emulator's clock, timing each change to every subscriber; polls are counted over 20 quiet
   * intervals once every evaluation is EVALUATING.
   */
  async function runScenario(options: {
    name: string;
    ids: string[];
    perResource: number;
    /** Clock advances; null: 5 s at a time until `settings.changes` changes were seen (one resource). */
    steps: number[] | null;
    /** Count polls after this many steps with a change (every resource is EVALUATING by then). */
    pollsAfter: number;
    memory: boolean;
  }) {
    const { ids, perResource } = options;
    const total = ids.length * perResource;
    const interval = settings.pollIntervalMs;
    leftoversWaited += await awaitNoLeftovers(new Set(ids));
    const quiet = await awaitQuiet(15_000);
    const logLines0 = gateways.reduce((sum, g) => sum + g.proc.lineCount(), 0);
    // Memory gets a pass of its own (subscribe, read after a forced GC, unsubscribe): the full GCs
    // of the reading shrink the young generation, which would slow the first timed delivery.
    type Memory = Extract<ProbeMessage, { type: 'memory' }>;
    let memoryBefore: Memory | undefined;
    let memoryHalf: Memory | undefined;
    let memoryAfter: Memory | undefined;
    const half = Math.floor(total / 2);
    const probe = gateways[0];
    if (options.memory && probe) {
      memoryBefore = await probe.ask('memory');
      log(`${options.name}: memory pass: subscribing ${total} graphql-ws clients ...`);
      const passing = await subscribeAll(ids, perResource, async () => {
        memoryHalf = await probe.ask('memory');
      });
      memoryAfter = await probe.ask('memory');
      await Promise.all(passing.map((s) => s.dispose()));
      await sleep(interval * 4);
    }
    await emu.resetStats();
    const t0 = performance.now();
    log(`${options.name}: subscribing ${total} graphql-ws clients (${ids.length} × ${perResource}) ...`);
    const subscribers = await subscribeAll(ids, perResource);
    const subscribeS = (performance.now() - t0) / 1000;
    const subscribeGets = (await emu.stats())[STATS_ROUTE] ?? 0;
    log(`${options.name}: all subscribed in ${subscribeS.toFixed(1)} s; driving changes ...`);

    for (const gateway of gateways) gateway.mark();
    await sleep(50);
    const busy0 = procs.machineBusyMs().total;
    const own0 = procs.ownCpuMs();
    const wall0 = performance.now();
    changes.length = 0;
    const byResource = new Map<string, Subscriber[]>();
    for (const subscriber of subscribers) {
      const list = byResource.get(subscriber.id) ?? [];
      list.push(subscriber);
      byResource.set(subscriber.id, list);
    }
    /** Per step: the first change each resource showed (two instances may both report one at a lease handover). */
    const stepChanges: Change[][] = [];
    let polls: Record<string, unknown> = {};
    let advances = 0;
    const plan = options.steps ?? Array.from({ length: 40 }, () => 5000);
    for (const ms of plan) {
      if (options.steps === null && stepChanges.length >= settings.changes) break;
      const from = changes.length;
      await advance(ms);
      advances++;
      // Wait for every resource's next poll (up to the idle interval of a QUEUED evaluation).
      const deadline = Date.now() + interval * 4 + 300;
      const seen = () => new Set(changes.slice(from).map((c) => c.id)).size;
      while (Date.now() < deadline && seen() < ids.length) await sleep(5);
      const first = new Map<string, Change>();
      for (const change of changes.slice(from)) {
        const kept = first.get(change.id);
        if (!kept || change.at < kept.at) first.set(change.id, change);
      }
      if (first.size === 0) continue;
      // Let every subscriber receive it before the next change (at most 5 s).
      const deliveredBy = Date.now() + 5000;
      const delivered = () =>
        [...first.values()].every((change) =>
          (byResource.get(change.id) ?? []).every((s) => s.receipts.some((t) => t >= change.at - 20)),
        );
      while (Date.now() < deliveredBy && !delivered()) await sleep(10);
      stepChanges.push([...first.values()]);
      if (stepChanges.length === options.pollsAfter) {
        await sleep(interval * 2);
        const probeBefore = await Promise.all(gateways.map((g) => g.ask('polls')));
        await emu.resetStats();
        const windowStart = performance.now();
        await sleep(interval * 20);
        const gets = (await emu.stats())[STATS_ROUTE] ?? 0;
        const windowMs = performance.now() - windowStart;
        const probeAfter = await Promise.all(gateways.map((g) => g.ask('polls')));
        const intervals = windowMs / interval;
        const perId = ids.map((id) =>
          gateways.reduce((sum, _g, i) => sum + (probeAfter[i]?.polls[id] ?? 0) - (probeBefore[i]?.polls[id] ?? 0), 0),
        );
        polls = {
          per_resource: round(gets / intervals / ids.length, 3),
          upstream_gets: gets,
          window_ms: Math.round(windowMs),
          min_resource: round(Math.min(...perId) / intervals, 3),
          // A lease that failed would show as a resource polled from both instances in one window.
          resources_polled_by_two_instances: ids.filter(
            (id) =>
              gateways.filter((_g, i) => (probeAfter[i]?.polls[id] ?? 0) - (probeBefore[i]?.polls[id] ?? 0) > 0)
                .length > 1,
          ).length,
          max_resource: round(Math.max(...perId) / intervals, 3),
          by_instance: gateways.map((_g, i) =>
            round(
              ids.reduce((sum, id) => sum + (probeAfter[i]?.polls[id] ?? 0) - (probeBefore[i]?.polls[id] ?? 0), 0) /
                intervals /
                ids.length,
              3,
            ),
          ),
        };
        log(
          `${options.name}: ${gets} upstream GETs in ${intervals.toFixed(1)} intervals for ${ids.length} resource(s)`,
        );
      }
    }

    // Latency: for each (resource, change), the subscriber's first receipt at or after the change
    // (20 ms of tolerance for the two processes' clocks) and before the resource's next change.
    const toLast: number[] = [];
    const toLastByInstance: number[][] = gateways.map(() => []);
    const toEach: number[] = [];
    let missed = 0;
    const allChanges = stepChanges.flat();
    for (const change of allChanges) {
      const next = allChanges
        .filter((c) => c.id === change.id && c.at > change.at)
        .reduce((min, c) => Math.min(min, c.at), Number.POSITIVE_INFINITY);
      let last = Number.NEGATIVE_INFINITY;
      const lastBy = gateways.map(() => Number.NEGATIVE_INFINITY);
      for (const subscriber of byResource.get(change.id) ?? []) {
        const receipt = subscriber.receipts.find((t) => t >= change.at - 20 && t < next - 20);
        if (receipt === undefined) {
          missed++;
          continue;
        }
        const latency = receipt - change.at;
        toEach.push(latency);
        last = Math.max(last, latency);
        lastBy[subscriber.gateway] = Math.max(lastBy[subscriber.gateway] ?? latency, latency);
      }
      if (Number.isFinite(last)) toLast.push(last);
      lastBy.forEach((value, i) => {
        if (Number.isFinite(value)) toLastByInstance[i]?.push(value);
      });
    }

    const foreignCores =
      (procs.machineBusyMs().total - busy0 - (procs.ownCpuMs() - own0)) / (performance.now() - wall0);
    await Promise.all(subscribers.map((s) => s.dispose()));
    // Let the gateways close the topics (and release leases) before anything else is measured.
    await sleep(interval * 2);
    return {
      subscribers: total,
      changes: allChanges.length,
      clock_advances: advances,
      subscribe_s: round(subscribeS, 2),
      upstream_gets_while_subscribing_per_resource: round(subscribeGets / ids.length, 2),
      polls,
      delivery_p50_ms: percentile(toLast, 50),
      delivery_p99_ms: percentile(toLast, 99),
      delivery_max_ms: percentile(toLast, 100),
      // In order of the changes (only when there are few): which change was slow.
      delivery_each_ms: toLast.length <= 20 ? toLast.map((v) => round(v)) : undefined,
      delivery_by_instance:
        gateways.length > 1
          ? toLastByInstance.map((values, i) => ({
              instance: i,
              p50_ms: percentile(values, 50),
              p99_ms: percentile(values, 99),
            }))
          : undefined,
      any_subscriber_p50_ms: percentile(toEach, 50),
      any_subscriber_p99_ms: percentile(toEach, 99),
      missed_events: missed,
      quiet_wait_s: quiet.waitedS,
      gateway_log_lines: gateways.reduce((sum, g) => sum + g.proc.lineCount(), 0) - logLines0,
      // CPU used by processes that are not this benchmark's while changes were driven (in cores).
      foreign_cpu_cores: round(Math.max(0, foreignCores), 2),
      memory:
        memoryBefore && memoryAfter
          ? {
              rss_per_subscriber: Math.round((memoryAfter.rss - memoryBefore.rss) / total),
              // Second half only: what one more subscriber costs once the heap has grown.
              rss_per_subscriber_marginal: memoryHalf
                ? Math.round((memoryAfter.rss - memoryHalf.rss) / (total - half))
                : undefined,
              heap_per_subscriber_marginal: memoryHalf
                ? Math.round((memoryAfter.heapUsed - memoryHalf.heapUsed) / (total - half))
                : undefined,
              new_space_growth_mb: round((memoryAfter.newSpace - memoryBefore.newSpace) / 2 ** 20),
              heap_total_growth_mb: round((memoryAfter.heapTotal - memoryBefore.heapTotal) / 2 ** 20),
              heap_per_subscriber: Math.round((memoryAfter.heapUsed - memoryBefore.heapUsed) / total),
              external_per_subscriber: Math.round((memoryAfter.external - memoryBefore.external) / total),
              rss_before_mb: round(memoryBefore.rss / 2 ** 20),
              rss_after_mb: round(memoryAfter.rss / 2 ** 20),
            }
          : undefined,
    };
  }

  let exitCode = 0;
  const allIds: string[] = [];
  let leftoversWaited = 0;
  try {
    for (let i = 0; i < instances; i++) gateways.push(await startGateway(i));
    log(
      `emulator ${emu.origin}, gateway(s) ${gateways.map((g) => g.proc.url).join(' ')}, poll ${settings.pollIntervalMs} ms`,
    );
    const oneIds = await createEvaluations(1, ['mmlu', 'humaneval', 'gsm8k', 'hellaswag', 'arc', 'truthfulqa']);
    allIds.push(...oneIds);
    const one = await runScenario({
      name: 'one',
      ids: oneIds,
      perResource: settings.subscribers,
      steps: null,
      pollsAfter: 3,
      memory: !settings.redis,
    });
    // Created now: the first scenario moved the clock past the whole life of earlier ones.
    // 5 s: SCHEDULING, 10 s: PREPARING, 18 s: EVALUATING, then +16 s lands one more result each
    // time (results take 12-16 s each): six visible changes for every evaluation, the last COMPLETED.
    const manyIds = settings.resources > 0 ? await createEvaluations(settings.resources, ['mmlu', 'gsm8k', 'arc']) : [];
    allIds.push(...manyIds);
    const many =
      manyIds.length > 0
        ? await runScenario({
            name: 'many',
            ids: manyIds,
            perResource: settings.perResource,
            steps: [5000, 5000, 8000, 16000, 16000, 16000],
            pollsAfter: 3,
            memory: false,
          })
        : undefined;
    const manyPart = many && {
      resources: manyIds.length,
      subscribers_per_resource: settings.perResource,
      polls_per_interval_per_resource: many.polls.per_resource ?? null,
      delivery_p50_ms: many.delivery_p50_ms,
      delivery_p99_ms: many.delivery_p99_ms,
      detail: many,
    };
    for (const gateway of gateways) await gateway.proc.stop();
    await sleep(100);
    const leftoversAfter = await liveKeys(new Set(allIds));

    if (settings.redis) {
      report.fanout_redis = {
        instances,
        subscribers: one.subscribers,
        polls_per_interval: one.polls.per_resource ?? null,
        delivery_p50_ms: one.delivery_p50_ms,
        delivery_p99_ms: one.delivery_p99_ms,
        many: manyPart,
        detail: one,
        redis: {
          url: redisUrl,
          key_prefix: 'scaimind:live: (fixed in src/main.ts)',
          leftover_keys_waited_out_before: leftoversWaited,
          leftover_keys_after: leftoversAfter.length,
        },
      };
    } else {
      report.fanout = {
        subscribers: one.subscribers,
        polls_per_interval: one.polls.per_resource ?? null,
        delivery_p50_ms: one.delivery_p50_ms,
        delivery_p99_ms: one.delivery_p99_ms,
        bytes_per_subscriber: one.memory?.rss_per_subscriber ?? null,
        many: manyPart,
        detail: one,
      };
    }
    report.settings = {
      poll_interval_ms: settings.pollIntervalMs,
      poll_max_interval_ms: settings.pollIntervalMs * 10,
      gateway: `node ${npmStartFlags().join(' ')} --expose-gc --import tsx src/main.ts (via the probe in bench/fanout.ts)`,
      emulator: 'src/main.ts emulator, EMULATOR_SPEED=0 (clock advanced by the harness)',
      delivery:
        'poll response fully received by the gateway (undici diagnostics) → event received by the last subscriber of that resource',
      bytes_per_subscriber:
        'gateway RSS after − before subscribing, each after forced GCs, ÷ subscribers (a separate pass before the timed one)',
    };
  } catch (error) {
    exitCode = 1;
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    for (const gateway of gateways) log(`${gateway.proc.name} last lines:\n${gateway.proc.tail().join('\n')}`);
    report.error = error instanceof Error ? error.message : String(error);
  } finally {
    for (const gateway of gateways) await gateway.proc.stop();
    await emuProc.stop();
    await redis?.quit();
  }
  observed.harness = procs.affinityOf(process.pid);
  if (restCpus) expected.harness = restCpus;
  report.pinning = {
    taskset_available: tasksetFound,
    requested: settings.pin,
    took_effect: pinning && harnessPinned && Object.entries(expected).every(([role, cpus]) => observed[role] === cpus),
    layout: pinning
      ? `gateway${instances > 1 ? 's (both)' : ''} on core ${gatewayCpus}; emulator + subscribers (this process) on core ${restCpus}${settings.redis ? '; Redis unpinned (not ours)' : ''}`
      : `unpinned (${!settings.pin ? '--no-pin' : !tasksetFound ? 'taskset not available' : 'fewer than 2 cores'})`,
    observed_cpus_allowed: observed,
  };
  report.elapsed_s = round((Date.now() - started) / 1000);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(exitCode);
}

if (process.env.FANOUT_PROBE === '1') await probeThenGateway();
else await harness();
