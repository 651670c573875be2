/**
 * Fan-out benchmark: N graphql-ws subscribers (default 2000, one socket each, as N browsers) on
 * one running evaluation, the gateway in a child process.
 *
 * Measures upstream polls per interval (should stay 1 whatever N), delivery latency from the poll
 * that saw a change to the last subscriber receiving it (p50/p99 over the changes), and gateway
 * memory per subscriber ((RSS and heap after − before) ÷ N, after a forced GC).
 *
 *   npx tsx bench/fanout.ts [subscribers=2000] [changes=8] [pollIntervalMs=250]
 *
 * Prints progress on stderr and one JSON line on stdout, last.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';

const SELF = fileURLToPath(import.meta.url);
const DEV_KEY = 'sgk_dev_acme_4f9c2e7a1b3d5f6081a2c4e6f8091b2d';
/** Wall-clock ms with sub-ms precision, comparable across the two processes. */
const now = () => performance.timeOrigin + performance.now();

type ToParent =
  | { type: 'ready'; url: string; emulatorOrigin: string; emulatorUrl: string }
  | { type: 'memory'; rss: number; heapUsed: number }
  | { type: 'change'; at: number }
  | { type: 'polls'; polls: number };
type ToChild = { type: 'memory' } | { type: 'mark' } | { type: 'polls' } | { type: 'exit' };

async function child(pollIntervalMs: number): Promise<void> {
  const { createGateway } = await import('../src/app.js');
  const { defaultConfig } = await import('../src/config.js');
  const { createCoordinatorClient } = await import('../src/coordinator/client.js');
  const { createEmulator } = await import('../src/emulator/index.js');
  const { coordinatorPollFetch } = await import('../src/live/poller.js');
  const { createLiveHub } = await import('../src/live/pollers.js');
  const { fingerprintOf } = await import('../src/live/snapshot.js');
  const { silentLogger } = await import('../src/log.js');
  const { startServer } = await import('../src/server.js');
  type PollFetch = import('../src/live/poller.js').PollFetch;

  const send = (message: ToParent) => process.send?.(message);
  const emulator = await createEmulator({ speed: 0 });
  const config = defaultConfig({
    coordinatorUrl: emulator.url,
    pollIntervalMs,
    pollMaxIntervalMs: pollIntervalMs * 10,
  });
  const client = createCoordinatorClient({ baseUrl: emulator.url });
  const base = coordinatorPollFetch(client, config.requestTimeoutMs);
  let polls = 0;
  let lastFingerprint: string | null = null;
  let marked = false;
  // Timestamps the poll that sees a change: the start of the latency measured in the parent.
  const fetch = (async (kind, id, credential, signal) => {
    const result = await base(kind, id, credential, signal);
    polls++;
    const fingerprint = fingerprintOf(kind, result.value);
    if (fingerprint !== lastFingerprint) {
      lastFingerprint = fingerprint;
      if (marked) send({ type: 'change', at: now() });
    }
    return result;
  }) as PollFetch;
  const hub = createLiveHub({
    fetch,
    pollIntervalMs,
    pollMaxIntervalMs: pollIntervalMs * 10,
    pollGiveUpMs: config.pollGiveUpMs,
  });
  const gateway = createGateway(config, { client, log: silentLogger, defaultCredential: null, live: hub });
  const server = await startServer(gateway, { host: '127.0.0.1', port: 0, onDrain: () => hub.close() });
  process.on('message', async (message: ToChild) => {
    if (message.type === 'memory') {
      globalThis.gc?.();
      globalThis.gc?.();
      const usage = process.memoryUsage();
      send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed });
    } else if (message.type === 'mark') {
      marked = true;
      polls = 0;
    } else if (message.type === 'polls') {
      send({ type: 'polls', polls });
    } else if (message.type === 'exit') {
      await server.stop();
      await hub.close();
      await client.close();
      await emulator.close();
      process.exit(0);
    }
  });
  send({ type: 'ready', url: server.url, emulatorOrigin: emulator.origin, emulatorUrl: emulator.url });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function parent(): Promise<void> {
  const subscribers = Number(process.argv[2] ?? 2000);
  const changes = Math.min(9, Number(process.argv[3] ?? 9));
  const pollIntervalMs = Number(process.argv[4] ?? 250);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const gatewayProcess = fork(SELF, ['child', String(pollIntervalMs)], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: ToParent[] = [];
  const waiters: Array<() => void> = [];
  gatewayProcess.on('message', (message: ToParent) => {
    inbox.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  async function receive<T extends ToParent['type']>(type: T): Promise<Extract<ToParent, { type: T }>> {
    for (;;) {
      const index = inbox.findIndex((message) => message.type === type);
      if (index >= 0) return inbox.splice(index, 1)[0] as Extract<ToParent, { type: T }>;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  const ask = async <T extends 'memory' | 'polls'>(type: T) => {
    gatewayProcess.send({ type } satisfies ToChild);
    return receive(type);
  };

  const ready = await receive('ready');
  const auth = { authorization: `Bearer ${DEV_KEY}` };
  // A fresh evaluation with six benchmarks: four phase changes plus one per landing result.
  const jobs = await fetch(`${ready.emulatorUrl}/jobs?status=COMPLETED&page_size=1`, { headers: auth });
  const jobId = ((await jobs.json()) as { data: { jobs: Array<{ job_id: string }> } }).data.jobs[0]?.job_id;
  const submitted = await fetch(`${ready.emulatorUrl}/evaluations`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      job_id: jobId,
      benchmarks: ['mmlu', 'humaneval', 'gsm8k', 'hellaswag', 'arc', 'truthfulqa'].map((name) => ({ name })),
    }),
  });
  const evaluationId = ((await submitted.json()) as { data: { evaluation_id?: string } }).data.evaluation_id;
  if (!evaluationId) throw new Error('could not submit the benchmark evaluation');
  const advance = (ms: number) =>
    fetch(`${ready.emulatorOrigin}/_emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_ms: ms }),
    });

  const before = await ask('memory');
  log(`subscribing ${subscribers} graphql-ws clients to ${evaluationId} ...`);
  const wsUrl = ready.url.replace(/^http/, 'ws');
  /** Receipt times per subscriber, one per event after the first. */
  const received: number[][] = Array.from({ length: subscribers }, () => []);
  const firstEvent: Array<Promise<void>> = [];
  const clients = [];
  for (let i = 0; i < subscribers; i++) {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: auth,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    let first = true;
    firstEvent.push(
      new Promise<void>((resolve, reject) => {
        client.subscribe(
          {
            query: `subscription { evaluationUpdated(id: "${evaluationId}") { status message benchmarks { name score } } }`,
          },
          {
            next: () => {
              if (first) {
                first = false;
                resolve();
              } else (received[i] as number[]).push(now());
            },
            error: reject,
            complete: () => {},
          },
        );
      }),
    );
    // Connect in batches so the accept queue never overflows.
    if (i % 200 === 199) await Promise.all(firstEvent.slice(i - 199));
  }
  await Promise.all(firstEvent);
  const after = await ask('memory');
  log('all subscribed; driving changes ...');

  gatewayProcess.send({ type: 'mark' } satisfies ToChild);
  const markedAt = Date.now();
  const changeTimes: number[] = [];
  let steadyPolls = 0;
  let steadyMs = 0;
  for (let k = 0; k < changes; k++) {
    const seen = changeTimes.length;
    // 5 s of emulated time moves the evaluation through a phase or lands a result (or not):
    // keep advancing until the poller reports a change.
    for (let attempt = 0; attempt < 20 && changeTimes.length === seen; attempt++) {
      await advance(5000);
      const deadline = Date.now() + pollIntervalMs * 4;
      while (Date.now() < deadline && changeTimes.length === seen) {
        const index = inbox.findIndex((message) => message.type === 'change');
        if (index >= 0) changeTimes.push((inbox.splice(index, 1)[0] as { at: number }).at);
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    // Let every subscriber receive it before the next change.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && received.some((times) => times.length < changeTimes.length)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (k === 2) {
      // Three changes in, the evaluation is EVALUATING: count reads over 20 quiet intervals.
      const steadyFrom = (await ask('polls')).polls;
      const steadyStart = Date.now();
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs * 20));
      steadyPolls = (await ask('polls')).polls - steadyFrom;
      steadyMs = Date.now() - steadyStart;
    }
  }
  const elapsedMs = Date.now() - markedAt;
  const { polls } = await ask('polls');

  const latencies = changeTimes
    .map((at, k) => Math.max(...received.map((times) => times[k] ?? Number.POSITIVE_INFINITY)) - at)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const missed = received.filter((times) => times.length < changeTimes.length).length;

  await Promise.all(clients.map((client) => client.dispose()));
  gatewayProcess.send({ type: 'exit' } satisfies ToChild);
  await new Promise((resolve) => gatewayProcess.once('exit', resolve));

  const result = {
    bench: 'fanout',
    subscribers,
    changes: changeTimes.length,
    pollIntervalMs,
    // 1 means one upstream read per interval for all subscribers together (±15% jitter).
    pollsPerInterval: Number((steadyPolls / (steadyMs / pollIntervalMs)).toFixed(3)),
    upstreamPolls: polls,
    elapsedMs,
    latencyToLastSubscriberMs: {
      p50: Number(percentile(latencies, 50).toFixed(2)),
      p99: Number(percentile(latencies, 99).toFixed(2)),
      max: Number((latencies.at(-1) ?? Number.NaN).toFixed(2)),
    },
    subscribersMissingAnEvent: missed,
    bytesPerSubscriber: {
      rss: Math.round((after.rss - before.rss) / subscribers),
      heap: Math.round((after.heapUsed - before.heapUsed) / subscribers),
    },
    node: process.version,
    rerun: `npx tsx bench/fanout.ts ${subscribers} ${changes} ${pollIntervalMs}`,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[2] === 'child') await child(Number(process.argv[3] ?? 250));
else await parent();
