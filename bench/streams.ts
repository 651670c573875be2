/**
 * Job-stream benchmark: many graphql-ws watchers of one job's logs while the job writes 200 lines
 * a second, with a forced upstream reconnect in the middle. The emulator, the gateway (the real
 * `src/main.ts`, configured by env) and the watchers (this process) run in separate processes,
 * pinned with taskset where available (gateway alone on core 1).
 *
 *   npx tsx bench/streams.ts [watchers=1000] [linesPerSecond=200] [seconds=20]
 *   npm run bench -- streams [same numbers]
 *
 * Reported:
 * - upstream connections: the emulator's own counters for `GET /jobs/{id}/logs`: at most one open
 *   at any moment (`max_open`), and how many were opened in all (1 + the forced reconnect);
 * - delivery latency per line, from the line's timestamp (the emulator's clock, which writes it
 *   within its 20 ms tick) to the moment the LAST watcher received it; p50/p99/max;
 * - gateway memory per watcher: the gateway's RSS with all watchers connected and streaming, minus
 *   its RSS before the first one subscribed, divided by the watcher count;
 * - lines lost or duplicated per watcher across the forced reconnect (the emulator numbers lines
 *   densely, so a gap or a repeat in what a watcher received is exactly a lost or repeated line).
 *
 * Progress goes to stderr; the last stdout line is one JSON document.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { npmStartFlags } from './lib/build.js';
import { AUTH, emulatorOf } from './lib/emulator.js';
import { affinityOf, pin, spawnNode, tasksetAvailable } from './lib/procs.js';
import { machine, round, sleep } from './lib/util.js';

const MAX_SECONDS = 240;
const LOGS_ROUTE = 'GET /jobs/{job_id}/logs';
const now = () => performance.timeOrigin + performance.now();
const log = (line: string) => process.stderr.write(`[streams] ${line}\n`);

const numbers = process.argv
  .slice(2)
  .filter((a) => /^\d+$/.test(a))
  .map(Number);
const WATCHERS = numbers[0] ?? 1000;
const RATE = numbers[1] ?? 200;
const SECONDS = numbers[2] ?? 20;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const SUBSCRIPTION = /* GraphQL */ `
  subscription Bench($id: ID!) { trainingJobLogs(id: $id, tail: 0) { droppedLines lines { sequence timestamp } } }
`;

interface WatcherState {
  last: number | null;
  received: number;
  lost: number;
  duplicated: number;
  dropped: number;
  errors: number;
}

async function main(): Promise<void> {
  setTimeout(() => {
    log(`gave up after ${MAX_SECONDS} s`);
    process.exit(3);
  }, MAX_SECONDS * 1000).unref();
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench -- streams${numbers.length ? ` ${numbers.join(' ')}` : ''}`
      : `npx tsx bench/streams.ts ${process.argv.slice(2).join(' ')}`.trim();

  const pinning = !process.argv.includes('--no-pin') && tasksetAvailable() && os.cpus().length >= 2;
  const gatewayCpus = pinning ? '1' : null;
  const restCpus = pinning ? '0' : null;
  if (restCpus) pin(process.pid, restCpus);
  const childEnv = { NODE_ENV: 'production', BENCH_MAX_SECONDS: String(MAX_SECONDS + 20) };

  const emuProc = await spawnNode('emulator', {
    script: 'src/main.ts',
    args: ['emulator'],
    env: { ...childEnv, EMULATOR_PORT: '0', EMULATOR_SPEED: '1' },
    cpus: restCpus,
    ready: /^ScaiMind emulator:\s+(\S+)/,
  });
  const emu = emulatorOf(emuProc, 0, 36);
  const control = async (path: string, body?: unknown) => {
    const res = await fetch(`${emu.origin}/_emulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };

  // A job that writes RATE lines per second while it trains; the clock is moved until it trains.
  const submitted = await emu.rest<{ job_id: string }>('POST', '/jobs', {
    name: 'bench-chatty',
    labels: { 'emulator-stream-rate': String(RATE), 'emulator-outcome': 'complete' },
    training_config: { training_type: 'LORA', base_model: { model_id: 'meta-llama/Llama-3.1-8B' } },
    data_config: { sources: [{ path: 'scaidrive://acme/data/support.jsonl' }] },
    resource_config: { gpu_count: 1, gpu_type: 'H100' },
  });
  const jobId = submitted.job_id;
  for (let i = 0; i < 300; i++) {
    const job = await emu.rest<{ status: string }>('GET', `/jobs/${jobId}`);
    if (job.status === 'TRAINING') break;
    await control('clock', { advance_ms: 1000 });
  }
  log(`job ${jobId} is training; ${RATE} lines/s`);

  const gateway = await spawnNode('gateway', {
    script: 'src/main.ts',
    env: { ...childEnv, HOST: '127.0.0.1', PORT: '0', COORDINATOR_URL: emu.baseUrl, LOG_LEVEL: 'info' },
    cpus: gatewayCpus,
    nodeFlags: npmStartFlags(),
    ready: /"msg":"gateway listening".*?"url":"([^"]+)"/,
  });
  const wsUrl = gateway.url.replace(/^http/, 'ws');
  await sleep(1000);
  const rssBefore = rssOf(gateway.pid);

  // The gateway's relay will ask for the last 1000 lines; the fault drops its connection after
  // those plus about SECONDS/3 of live lines, in the middle of the measurement.
  const backlog = Math.min(1000, await latestSequence(emu.baseUrl, jobId));
  const cutAfter = backlog + Math.round((RATE * SECONDS) / 3);
  await control('faults', { faults: [{ route: LOGS_ROUTE, kind: 'reset', after_events: cutAfter, count: 1 }] });
  await emu.resetStats();

  const firstSeen = new Map<number, number>();
  const lastSeen = new Map<number, number>();
  const stampOf = new Map<number, number>();
  const watchers: WatcherState[] = [];
  const clients: Array<ReturnType<typeof createClient>> = [];
  let measuring = false;
  let firstEvents = 0;
  log(`subscribing ${WATCHERS} watchers`);
  for (let i = 0; i < WATCHERS; i++) {
    const state: WatcherState = { last: null, received: 0, lost: 0, duplicated: 0, dropped: 0, errors: 0 };
    watchers.push(state);
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: AUTH },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    let first = true;
    client.subscribe(
      { query: SUBSCRIPTION, variables: { id: jobId } },
      {
        next: (result) => {
          const at = now();
          if (first) {
            first = false;
            firstEvents++;
          }
          const event = (
            result.data as {
              trainingJobLogs?: { droppedLines: number; lines: Array<{ sequence: string; timestamp: string }> };
            }
          )?.trainingJobLogs;
          if (!event) return;
          state.dropped += event.droppedLines;
          for (const line of event.lines) {
            const seq = Number(line.sequence);
            if (state.last !== null) {
              if (seq <= state.last) state.duplicated++;
              else state.lost += seq - state.last - 1;
            }
            if (state.last === null || seq > state.last) state.last = seq;
            state.received++;
            if (!measuring) continue;
            if (!firstSeen.has(seq)) {
              firstSeen.set(seq, at);
              stampOf.set(seq, Date.parse(line.timestamp));
            }
            lastSeen.set(seq, at);
          }
        },
        error: () => {
          state.errors++;
        },
        complete: () => {},
      },
    );
    if (i % 100 === 99) await sleep(20);
  }
  while (firstEvents < WATCHERS) await sleep(50);
  log('all watchers subscribed; measuring');
  // Emulator clock → wall clock: the emulator runs at speed 1 from a fixed seed time.
  const t0 = now();
  const clock = await control('clock');
  const t1 = now();
  const offset = (t0 + t1) / 2 - Number(clock.now_ms);
  measuring = true;
  const started = now();
  let rssStreaming = 0;
  while (now() - started < SECONDS * 1000) {
    await sleep(1000);
    if (now() - started > (SECONDS * 1000) / 2 && rssStreaming === 0) rssStreaming = rssOf(gateway.pid);
  }
  measuring = false;
  await sleep(500);
  const stats = (await control('stats')) as { requests: Record<string, number>; max_in_flight: Record<string, number> };

  const latencies: number[] = [];
  const spreads: number[] = [];
  for (const [seq, last] of lastSeen) {
    const stamp = stampOf.get(seq);
    if (stamp !== undefined && Number.isFinite(stamp)) latencies.push(last - (stamp + offset));
    spreads.push(last - (firstSeen.get(seq) ?? last));
  }
  latencies.sort((a, b) => a - b);
  spreads.sort((a, b) => a - b);
  const sum = (pick: (w: WatcherState) => number) => watchers.reduce((total, w) => total + pick(w), 0);
  const figures = {
    watchers: WATCHERS,
    lines_per_second_upstream: RATE,
    lines_measured: lastSeen.size,
    upstream: {
      max_open: stats.max_in_flight[LOGS_ROUTE] ?? 0,
      opened: stats.requests[LOGS_ROUTE] ?? 0,
      note: 'opened = 1 + the forced reconnect',
    },
    delivery_ms: {
      from: 'line timestamp (emulator writes within its 20 ms tick) to the last watcher',
      p50: round(percentile(latencies, 50), 1),
      p99: round(percentile(latencies, 99), 1),
      max: round(latencies.at(-1) ?? Number.NaN, 1),
      first_to_last_watcher_p99: round(percentile(spreads, 99), 1),
    },
    memory: {
      gateway_rss_before: rssBefore,
      gateway_rss_streaming: rssStreaming,
      bytes_per_watcher: round((rssStreaming - rssBefore) / WATCHERS),
    },
    across_forced_reconnect: {
      lines_lost: sum((w) => w.lost),
      lines_duplicated: sum((w) => w.duplicated),
      dropped_for_slowness: sum((w) => w.dropped),
      subscription_errors: sum((w) => w.errors),
    },
  };
  log(
    `upstream max open ${figures.upstream.max_open} (opened ${figures.upstream.opened}); delivery p50 ${figures.delivery_ms.p50} ms, ` +
      `p99 ${figures.delivery_ms.p99} ms; ${figures.memory.bytes_per_watcher} B/watcher; lost ${figures.across_forced_reconnect.lines_lost}, ` +
      `duplicated ${figures.across_forced_reconnect.lines_duplicated}`,
  );
  const report = {
    machine: machine(),
    command,
    pinning: pinning ? { gateway: affinityOf(gateway.pid), emulator_and_watchers: restCpus } : 'none',
    streams: figures,
  };
  for (const client of clients) void client.dispose();
  await gateway.stop();
  await emuProc.stop();
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(0);
}

/** The newest line id upstream, read straight from the emulator (ids are dense from 1). */
async function latestSequence(baseUrl: string, jobId: string): Promise<number> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/jobs/${jobId}/logs?tail=1`, {
    headers: { authorization: AUTH },
    signal: controller.signal,
  });
  const reader = res.body?.getReader();
  let text = '';
  while (reader && !/(?:^|\n)id: \d+/.test(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  controller.abort();
  return Number(/(?:^|\n)id: (\d+)/.exec(text)?.[1] ?? 0);
}

await main();
