/**
 * The benchmark harness: `npm run bench [-- <scenario>...] [--duration 5 --rounds 3 ...]`.
 *
 * The emulator, the server under test (gateway, bare proxy, naive Yoga) and the load generator
 * (autocannon) each run in their own process. With taskset, the server under test gets core 1 to
 * itself and everything else (emulator, load generator, this harness) shares core 0; the
 * emulator is moved to core 1 while it is itself measured ("direct"). Each variant is warmed up,
 * then measured for several rounds (variants of a scenario interleaved round by round, so drift
 * on a noisy machine hits them alike) and medians are reported. See bench/README.md.
 *
 * The last line printed is one JSON document; progress goes to stderr.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AUTH, type Emu, emulatorOf, totalCalls } from './lib/emulator.js';
import { type LoadGen, type LoadSpec, startLoadGen } from './lib/load.js';
import {
  affinityOf,
  cpuMs,
  fileExists,
  machineBusyMs,
  ownCpuMs,
  type Proc,
  pin,
  REPO,
  spawnNode,
  tasksetAvailable,
  track,
} from './lib/procs.js';
import { machine, median, round, sleep } from './lib/util.js';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

const SCENARIOS = ['overhead', 'nested', 'listing', 'mutation'] as const;
const DELEGATED = ['fanout', 'fanout-redis'] as const;
const EXTRA = ['profile'] as const;

const HELP = `Usage: npm run bench -- [scenario...] [options]

Scenarios: ${SCENARIOS.join(', ')} (default: all four),
           ${DELEGATED.join(', ')} (delegated to bench/fanout.ts; numbers after the name are passed on),
           profile (CPU profile of the gateway under the overhead (or --profile-query nested) load)

Options:
  --duration <s>        measured seconds per round (default 5)
  --rounds <n>          rounds per variant; medians are reported (default 3)
  --warmup <s>          unmeasured warm-up per variant (default 2)
  --connections <n>     concurrent connections of the load generator (default 32)
  --latency <ms>        upstream latency of the second nested run (default 5; 0 ms always runs)
  --seed-jobs <n>       jobs seeded for the listing scenario (default 1000)
  --profile-seconds <s> load duration of the profile scenario (default 10)
  --profile-query <q>   overhead (default) or nested
  --quiet-wait <s>      before each round, wait up to this long for other processes on the machine
                        to use < 0.15 core (default 2; 0 disables); what they used is reported
  --noisy-retries <n>   re-measure a round during which other processes used > 0.25 core, keeping
                        the quietest attempt (default 1)
  --gateway-node-flags <flags>
                        extra node flags for the gateway process only (e.g. "--max-semi-space-size=64")
  --max-minutes <m>     the harness stops (and its processes with it) after this long (default 30)
  --only <labels>       measure only these variants, comma-separated (e.g. gateway,proxy)
  --no-pin              do not pin processes with taskset
  --no-enrich           nested: keep the emulator's seeded evaluations (1 among the first 20 jobs)
                        instead of adding up to 5 per job
  -h, --help`;

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    latency: { type: 'string', default: '5' },
    'seed-jobs': { type: 'string', default: '1000' },
    'profile-seconds': { type: 'string', default: '10' },
    'profile-query': { type: 'string', default: 'overhead' },
    'quiet-wait': { type: 'string', default: '2' },
    'noisy-retries': { type: 'string', default: '1' },
    only: { type: 'string' },
    'max-minutes': { type: 'string', default: '30' },
    'gateway-node-flags': { type: 'string', default: '' },
    'no-pin': { type: 'boolean', default: false },
    'no-enrich': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

function positive(name: string, raw: string, integer: boolean, min = 0): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    process.stderr.write(`--${name}: expected ${integer ? 'an integer' : 'a number'} >= ${min}, got "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

export interface Options {
  durationS: number;
  rounds: number;
  warmupS: number;
  connections: number;
  latencyMs: number;
  seedJobs: number;
  profileSeconds: number;
  profileQuery: 'overhead' | 'nested';
  quietWaitS: number;
  noisyRetries: number;
  pin: boolean;
  enrich: boolean;
}

const opts: Options = {
  durationS: positive('duration', flags.duration, false, 1),
  rounds: positive('rounds', flags.rounds, true, 1),
  warmupS: positive('warmup', flags.warmup, false, 0),
  connections: positive('connections', flags.connections, true, 1),
  latencyMs: positive('latency', flags.latency, true, 0),
  seedJobs: positive('seed-jobs', flags['seed-jobs'], true, 30),
  profileSeconds: positive('profile-seconds', flags['profile-seconds'], false, 1),
  profileQuery: flags['profile-query'] === 'nested' ? 'nested' : 'overhead',
  quietWaitS: positive('quiet-wait', flags['quiet-wait'], false, 0),
  noisyRetries: positive('noisy-retries', flags['noisy-retries'], true, 0),
  pin: !flags['no-pin'],
  enrich: !flags['no-enrich'],
};

const known = new Set<string>([...SCENARIOS, ...DELEGATED, ...EXTRA, 'all']);
/** Numbers after the scenario names go to bench/fanout.ts unchanged (its positional arguments). */
const passThrough = positionals.filter((p) => /^\d+(\.\d+)?$/.test(p));
const names = positionals.filter((p) => !passThrough.includes(p));
const unknown = names.filter((p) => !known.has(p));
if (unknown.length) {
  process.stderr.write(`Unknown scenario(s): ${unknown.join(', ')}\n\n${HELP}\n`);
  process.exit(2);
}
const selected: string[] =
  names.length === 0 || names.includes('all')
    ? [...SCENARIOS, ...names.filter((p) => p !== 'all' && !(SCENARIOS as readonly string[]).includes(p))]
    : [...new Set(names)];
if (passThrough.length && !selected.some((s) => (DELEGATED as readonly string[]).includes(s))) {
  process.stderr.write(`Numeric arguments (${passThrough.join(' ')}) are only for fanout / fanout-redis\n`);
  process.exit(2);
}

const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
    : `npx tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();

// Bounded whatever happens: the exit hook in lib/procs.ts kills every child on the way out.
const maxMinutes = positive('max-minutes', flags['max-minutes'] ?? '30', false, 1);
setTimeout(() => {
  process.stderr.write(`[bench] stopped after --max-minutes ${maxMinutes}\n`);
  process.exit(3);
}, maxMinutes * 60_000).unref();

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Layout: who runs where
// ---------------------------------------------------------------------------------------------

export interface Layout {
  /** CPU list of the server under test, or null when unpinned. */
  sut: string | null;
  /** CPU list of the emulator, the load generator and the harness. */
  rest: string | null;
}

const cores = os.cpus().length;
const tasksetFound = tasksetAvailable();
const pinningWanted = opts.pin && tasksetFound && cores >= 2;
const layout: Layout = pinningWanted ? { sut: '1', rest: '0' } : { sut: null, rest: null };
const harnessPinned = layout.rest !== null && pin(process.pid, layout.rest);

const observedAffinity: Record<string, string | null> = {};
function recordAffinity(role: string, pid: number) {
  observedAffinity[role] = affinityOf(pid);
}

function pinningReport() {
  const expected: Record<string, string> = layout.sut
    ? {
        gateway: layout.sut,
        proxy: layout.sut,
        naive: layout.sut,
        emulator: layout.rest ?? '',
        loadgen: layout.rest ?? '',
        harness: layout.rest ?? '',
      }
    : {};
  const effective =
    layout.sut !== null &&
    harnessPinned &&
    Object.entries(observedAffinity).every(([role, cpus]) => cpus === (expected[role] ?? cpus));
  return {
    taskset_available: tasksetFound,
    requested: opts.pin,
    took_effect: effective,
    layout: layout.sut
      ? `2 cores, 3 processes: the server under test (gateway | proxy | naive) alone on core ${layout.sut}; ` +
        `emulator + load generator + harness share core ${layout.rest}; for "direct" the emulator is moved to core ${layout.sut} while measured`
      : `unpinned (${!opts.pin ? '--no-pin' : !tasksetFound ? 'taskset not available' : `only ${cores} core(s)`}): the OS schedules all processes`,
    observed_cpus_allowed: { ...observedAffinity, harness: affinityOf(process.pid) },
  };
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

const gatewayNodeFlags = (flags['gateway-node-flags'] ?? '').split(/\s+/).filter(Boolean);
const baseEnv = { NODE_ENV: 'production', BENCH_MAX_SECONDS: '1200' };

async function startEmulator(latencyMs: number, seedJobs: number | null): Promise<Emu> {
  const env: Record<string, string> = {
    ...baseEnv,
    EMULATOR_PORT: '0',
    EMULATOR_SPEED: '0',
    EMULATOR_LATENCY_MS: String(latencyMs),
  };
  if (seedJobs !== null) env.EMULATOR_SEED_JOBS = String(seedJobs);
  const proc = await spawnNode('emulator', {
    script: 'src/main.ts',
    args: ['emulator'],
    env,
    cpus: layout.rest,
    ready: /^ScaiMind emulator:\s+(\S+)/,
  });
  recordAffinity('emulator', proc.pid);
  return emulatorOf(proc, latencyMs, seedJobs ?? 36);
}

export async function startGateway(
  emu: Emu,
  extra: { env?: Record<string, string>; nodeFlags?: string[] } = {},
): Promise<Proc> {
  const proc = await spawnNode('gateway', {
    script: 'src/main.ts',
    env: { ...baseEnv, HOST: '127.0.0.1', PORT: '0', COORDINATOR_URL: emu.baseUrl, ...extra.env },
    cpus: layout.sut,
    nodeFlags: [...gatewayNodeFlags, ...(extra.nodeFlags ?? [])],
    ready: /"msg":"gateway listening".*?"url":"([^"]+)"/,
  });
  recordAffinity('gateway', proc.pid);
  return proc;
}

async function startProxy(emu: Emu): Promise<Proc> {
  const proc = await spawnNode('proxy', {
    script: 'bench/proxy.ts',
    env: { ...baseEnv, UPSTREAM_URL: emu.baseUrl },
    cpus: layout.sut,
    ready: /^proxy listening (\S+)/,
  });
  recordAffinity('proxy', proc.pid);
  return proc;
}

async function startNaive(emu: Emu): Promise<Proc> {
  const proc = await spawnNode('naive', {
    script: 'bench/naive-gateway.ts',
    env: { ...baseEnv, UPSTREAM_URL: emu.baseUrl },
    cpus: layout.sut,
    ready: /^naive listening (\S+)/,
  });
  recordAffinity('naive', proc.pid);
  return proc;
}

async function stopAll(procs: Array<Proc | Emu | undefined>): Promise<void> {
  await Promise.all(procs.map((p) => (p === undefined ? undefined : 'stop' in p ? p.stop() : p.proc.stop())));
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

export interface Variant {
  label: string;
  /** The process whose CPU counts as "the server". */
  sut: Proc;
  emu: Emu;
  spec: Omit<LoadSpec, 'durationS' | 'connections'> & { connections?: number };
  /** Move the emulator onto the SUT core while measured (the "direct" variant). */
  emulatorIsSut?: boolean;
  beforeRound?: () => Promise<void>;
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
  cpuPerReq: number;
  upstreamPerReq: number;
  byRoute: Record<string, number>;
  util: { sut: number; emulator: number; loadgen: number };
  /** CPU used by processes that are not ours during the round, in cores: whole machine / server core. */
  foreign: number;
  foreignOnSutCore: number;
  /** Busy fraction of the other core (emulator + load generator + harness + anyone else). */
  restCoreBusy: number;
  quietWaitMs: number;
  logLinesPerReq: number;
  retried?: number;
}

/** A round during which processes outside the benchmark used more than this (in cores) is "noisy". */
const NOISY_CORES = 0.25;

export interface Ctx {
  opts: Options;
  layout: Layout;
  loadgen: LoadGen;
}

function graphqlSpec(url: string, query: string, variables?: Record<string, unknown>): Variant['spec'] {
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AUTH },
    body: JSON.stringify(variables ? { query, variables } : { query }),
    verify: 'graphql',
  };
}

async function withEmulatorOnSut<T>(variant: Variant, work: () => Promise<T>): Promise<T> {
  if (!variant.emulatorIsSut || layout.sut === null) return work();
  pin(variant.emu.proc.pid, layout.sut);
  recordAffinity('emulator (direct)', variant.emu.proc.pid);
  try {
    return await work();
  } finally {
    pin(variant.emu.proc.pid, layout.rest ?? '0');
  }
}

/** Other processes' CPU use right now, in cores (sampled over `ms`). */
async function foreignLoad(ms: number): Promise<number> {
  const busy0 = machineBusyMs().total;
  const own0 = ownCpuMs();
  const t0 = performance.now();
  await sleep(ms);
  const wall = performance.now() - t0;
  return Math.max(0, machineBusyMs().total - busy0 - (ownCpuMs() - own0)) / wall;
}

/**
 * After a load run the server may still be working on requests the load generator abandoned at
 * the deadline (a naive nested request makes 66 upstream calls): that work must not be counted in
 * the next round, nor steal the next server's CPU. Waits until the emulator's counts stop moving
 * and our processes are idle (at most 10 s).
 */
async function drain(emu: Emu): Promise<void> {
  const started = performance.now();
  let calls = totalCalls(await emu.stats());
  while (performance.now() - started < 10_000) {
    const own = ownCpuMs();
    await sleep(150);
    const now = totalCalls(await emu.stats());
    const busy = (ownCpuMs() - own) / 150;
    if (now === calls && busy < 0.15) return;
    calls = now;
  }
}

/** Waits (up to --quiet-wait) until processes that are not ours use less than 0.15 core. */
async function awaitQuiet(maxS: number): Promise<number> {
  const started = performance.now();
  if (maxS <= 0) return 0;
  while (performance.now() - started < maxS * 1000) {
    if ((await foreignLoad(250)) < 0.15) break;
  }
  return performance.now() - started;
}

async function measureRound(ctx: Ctx, variant: Variant, durationS: number): Promise<Round> {
  await drain(variant.emu);
  await variant.beforeRound?.();
  await variant.emu.resetStats();
  const quietWaitMs = await awaitQuiet(ctx.opts.quietWaitS);
  const sutCore = layout.sut === null ? -1 : Number(layout.sut);
  const busyBefore = machineBusyMs();
  const ownBefore = ownCpuMs();
  const pids = { sut: variant.sut.pid, emulator: variant.emu.proc.pid, loadgen: ctx.loadgen.proc.pid };
  const before = { sut: cpuMs(pids.sut), emulator: cpuMs(pids.emulator), loadgen: cpuMs(pids.loadgen) };
  const logsBefore = variant.sut.lineCount();
  const started = performance.now();
  const result = await ctx.loadgen.run({
    ...variant.spec,
    connections: variant.spec.connections ?? ctx.opts.connections,
    durationS,
  });
  const wallMs = performance.now() - started;
  const after = { sut: cpuMs(pids.sut), emulator: cpuMs(pids.emulator), loadgen: cpuMs(pids.loadgen) };
  const busyAfter = machineBusyMs();
  const ownAfter = ownCpuMs();
  const foreign = Math.max(0, busyAfter.total - busyBefore.total - (ownAfter - ownBefore)) / wallMs;
  // On the server's core only the server should run (the emulator too, for "direct").
  const sutCoreBusy =
    sutCore >= 0 ? ((busyAfter.perCore[sutCore] ?? 0) - (busyBefore.perCore[sutCore] ?? 0)) / wallMs : Number.NaN;
  const foreignOnSutCore = Math.max(0, sutCoreBusy - (after.sut - before.sut) / wallMs);
  const restCore = layout.rest === null ? -1 : Number(layout.rest);
  const restCoreBusy =
    restCore >= 0 ? ((busyAfter.perCore[restCore] ?? 0) - (busyBefore.perCore[restCore] ?? 0)) / wallMs : Number.NaN;
  const logLines = variant.sut.lineCount() - logsBefore;
  const stats = await variant.emu.stats();
  const n = Math.max(1, result.requests);
  const byRoute: Record<string, number> = {};
  for (const [route, count] of Object.entries(stats)) byRoute[route] = count / n;
  return {
    rps: result.rps,
    p50: result.p50Ms,
    p99: result.p99Ms,
    requests: result.requests,
    bad: result.requests - result.good + result.errors + result.timeouts,
    cpuPerReq: (after.sut - before.sut) / n,
    upstreamPerReq: totalCalls(stats) / n,
    byRoute,
    util: {
      sut: (after.sut - before.sut) / wallMs,
      emulator: (after.emulator - before.emulator) / wallMs,
      loadgen: (after.loadgen - before.loadgen) / wallMs,
    },
    foreign,
    foreignOnSutCore,
    restCoreBusy,
    quietWaitMs,
    logLinesPerReq: logLines / n,
  };
}

function bottleneck(util: Round['util'], restCoreBusy: number, foreign: number, emulatorIsSut: boolean): string {
  if (util.sut >= 0.9) return 'server under test (its core is saturated)';
  if (layout.sut !== null) {
    // The other core also runs the harness and the kernel's network work: 0.85 busy is saturated.
    if (restCoreBusy >= 0.85) {
      const who = emulatorIsSut ? 'load generator' : 'emulator + load generator';
      return `core ${layout.rest} (${who}${foreign >= 0.1 ? ' + other processes' : ''})`;
    }
  } else if (util.sut + util.emulator + util.loadgen + foreign >= 1.8) {
    return 'machine CPU (unpinned)';
  }
  return 'latency/concurrency (no core saturated)';
}

function summarise(variant: Variant, rounds: Round[]) {
  const util = {
    sut: median(rounds.map((r) => r.util.sut)),
    emulator: median(rounds.map((r) => r.util.emulator)),
    loadgen: median(rounds.map((r) => r.util.loadgen)),
  };
  const routes = new Set(rounds.flatMap((r) => Object.keys(r.byRoute)));
  const byRoute: Record<string, number | null> = {};
  for (const route of routes) byRoute[route] = round(median(rounds.map((r) => r.byRoute[route] ?? 0)), 3);
  const cpu = median(rounds.map((r) => r.cpuPerReq));
  const restBusy = median(rounds.map((r) => r.restCoreBusy));
  const summary: Record<string, unknown> = {
    rps: round(median(rounds.map((r) => r.rps))),
    p50_ms: round(median(rounds.map((r) => r.p50)), 1),
    p99_ms: round(median(rounds.map((r) => r.p99)), 1),
    cpu_ms_per_req: round(cpu, 4),
    /** What one core could serve if only the server's own CPU time counted. */
    rps_per_core_by_cpu: round(1000 / cpu),
    upstream_calls_per_req: round(median(rounds.map((r) => r.upstreamPerReq)), 3),
    upstream_by_route: byRoute,
    cpu_util: {
      server: round(util.sut, 2),
      emulator: round(util.emulator, 2),
      loadgen: round(util.loadgen, 2),
      [`core${layout.rest ?? '_rest'}_busy`]: round(restBusy, 2),
    },
    bottleneck: bottleneck(util, restBusy, median(rounds.map((r) => r.foreign)), variant.emulatorIsSut === true),
    connections: variant.spec.connections ?? opts.connections,
    failed_requests: rounds.reduce((sum, r) => sum + r.bad, 0),
    rounds_rps: rounds.map((r) => round(r.rps)),
    /** CPU used by processes outside the benchmark during the rounds (cores): machine-wide, on the server's core. */
    foreign_cpu_cores: rounds.map((r) => round(r.foreign, 2)),
    foreign_on_server_core: rounds.map((r) => round(r.foreignOnSutCore, 2)),
    noisy_rounds_remeasured: rounds.reduce((sum, r) => sum + (r.retried ?? 0), 0),
  };
  const logs = median(rounds.map((r) => r.logLinesPerReq));
  if (logs > 0) summary.server_log_lines_per_req = round(logs, 3);
  return summary;
}

/** Warms every variant up, then measures them round-robin: round 1 of each, round 2 of each, ... */
async function measureAll(ctx: Ctx, all: Variant[]): Promise<Record<string, Record<string, unknown>>> {
  const only = flags.only?.split(',').map((label) => label.trim());
  const variants = only ? all.filter((v) => only.includes(v.label)) : all;
  for (const variant of variants) {
    if (ctx.opts.warmupS <= 0) break;
    log(`  warm-up ${variant.label} (${ctx.opts.warmupS} s)`);
    await withEmulatorOnSut(variant, () =>
      ctx.loadgen.run({
        ...variant.spec,
        connections: variant.spec.connections ?? ctx.opts.connections,
        durationS: ctx.opts.warmupS,
      }),
    );
    await drain(variant.emu);
  }
  const rounds = new Map<string, Round[]>(variants.map((v) => [v.label, []]));
  for (let i = 0; i < ctx.opts.rounds; i++) {
    for (const variant of variants) {
      let r = await withEmulatorOnSut(variant, () => measureRound(ctx, variant, ctx.opts.durationS));
      for (let retry = 0; retry < ctx.opts.noisyRetries && r.foreign > NOISY_CORES; retry++) {
        log(`  round ${i + 1} ${variant.label}: other processes used ${r.foreign.toFixed(2)} core; measuring again`);
        const again = await withEmulatorOnSut(variant, () => measureRound(ctx, variant, ctx.opts.durationS));
        again.retried = (r.retried ?? 0) + 1;
        if (again.foreign < r.foreign) r = again;
        else r.retried = again.retried;
      }
      rounds.get(variant.label)?.push(r);
      log(
        `  round ${i + 1}/${ctx.opts.rounds} ${variant.label}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, ` +
          `p99 ${r.p99} ms, ${r.cpuPerReq.toFixed(3)} cpu-ms/req, ${r.upstreamPerReq.toFixed(2)} upstream/req, ` +
          `util server ${r.util.sut.toFixed(2)} emu ${r.util.emulator.toFixed(2)} loadgen ${r.util.loadgen.toFixed(2)}, ` +
          `foreign ${r.foreign.toFixed(2)} (server core ${r.foreignOnSutCore.toFixed(2)})` +
          (r.quietWaitMs > 1000 ? `, waited ${(r.quietWaitMs / 1000).toFixed(1)} s for quiet` : '') +
          (r.bad ? `, ${r.bad} FAILED` : ''),
      );
    }
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const variant of variants) out[variant.label] = summarise(variant, rounds.get(variant.label) ?? []);
  return out;
}

/** One request with counts reset before and read after: the exact upstream calls of one operation. */
async function probe(
  emu: Emu,
  spec: Variant['spec'],
): Promise<{ calls: number; byRoute: Record<string, number>; body: string }> {
  await emu.resetStats();
  const reply = await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body ?? null });
  const body = await reply.text();
  await sleep(20);
  const stats = await emu.stats();
  if (!reply.ok) throw new Error(`probe ${spec.url}: ${reply.status} ${body.slice(0, 300)}`);
  if (spec.verify === 'graphql' || spec.verify === 'mutation') {
    if (!body.startsWith('{"data"') || body.includes('"errors"')) {
      throw new Error(`probe ${spec.url}: GraphQL errors: ${body.slice(0, 500)}`);
    }
  }
  return { calls: totalCalls(stats), byRoute: stats, body };
}

async function graphql<T = Record<string, unknown>>(url: string, query: string, variables?: unknown): Promise<T> {
  const reply = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AUTH },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await reply.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}

const ratio = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number' && b > 0 ? round(a / b, 3) : null;

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

const OVERHEAD_QUERY = /* GraphQL */ `query Overhead($id: ID!) { trainingJob(id: $id) { name status progress { fraction } } }`;

async function overhead(ctx: Ctx) {
  const emu = await startEmulator(0, null);
  let gateway: Proc | undefined;
  let proxy: Proc | undefined;
  let naive: Proc | undefined;
  try {
    [gateway, proxy, naive] = await Promise.all([startGateway(emu), startProxy(emu), startNaive(emu)]);
    const jobs = await emu.rest<{ jobs: Array<{ job_id: string }> }>('GET', '/jobs?page_size=1&status=COMPLETED');
    const jobId = jobs.jobs[0]?.job_id;
    if (!jobId) throw new Error('no COMPLETED job in the seeded tenant');
    const variants: Variant[] = [
      { label: 'gateway', sut: gateway, emu, spec: graphqlSpec(gateway.url, OVERHEAD_QUERY, { id: jobId }) },
      {
        label: 'proxy',
        sut: proxy,
        emu,
        spec: { url: `${proxy.url}/jobs/${jobId}`, method: 'GET', headers: { authorization: AUTH }, verify: 'json' },
      },
      {
        label: 'direct',
        sut: emu.proc,
        emu,
        emulatorIsSut: true,
        spec: { url: `${emu.baseUrl}/jobs/${jobId}`, method: 'GET', headers: { authorization: AUTH }, verify: 'json' },
      },
      { label: 'naive', sut: naive, emu, spec: graphqlSpec(naive.url, OVERHEAD_QUERY, { id: jobId }) },
    ];
    const probes: Record<string, number> = {};
    for (const v of variants) probes[v.label] = (await probe(emu, v.spec)).calls;
    const m = await measureAll(ctx, variants);
    const g = m.gateway ?? {};
    const p = m.proxy ?? {};
    const utilOf = (v: Record<string, unknown>) => (v.cpu_util as { server?: number | null } | undefined)?.server ?? 0;
    const proxySaturated = utilOf(p) >= 0.9;
    return {
      query: OVERHEAD_QUERY,
      job_id: jobId,
      gateway_rps: g.rps,
      proxy_rps: p.rps,
      direct_rps: m.direct?.rps,
      naive_rps: m.naive?.rps,
      ratio: ratio(g.rps, p.rps),
      target_ratio: 0.5,
      meets_target: (ratio(g.rps, p.rps) ?? 0) >= 0.5,
      naive_ratio: ratio(m.naive?.rps, p.rps),
      /** Proxy CPU per request ÷ gateway CPU per request: the ratio if both had a core to themselves. */
      ratio_by_cpu: ratio(p.cpu_ms_per_req, g.cpu_ms_per_req),
      proxy_saturated_its_core: proxySaturated,
      ratio_note: proxySaturated
        ? 'the proxy saturated its core: ratio (req/s) is the headline'
        : `the proxy used only ${utilOf(p)} of its core (held back by core 0: emulator + load generator), so ratio (req/s) flatters the gateway; ratio_by_cpu (CPU per request) does not depend on that`,
      gateway_p50_ms: g.p50_ms,
      gateway_p99_ms: g.p99_ms,
      gateway_cpu_ms_per_req: g.cpu_ms_per_req,
      proxy_cpu_ms_per_req: p.cpu_ms_per_req,
      upstream_calls_per_request: probes,
      variants: m,
    };
  } finally {
    await stopAll([gateway, proxy, naive, emu]);
  }
}

const NESTED_QUERY = /* GraphQL */ `query Nested { trainingJobs(first: 20) { edges { node { name evaluations(first: 5) { edges { node { status job { name } benchmarks { name score } } } } } } } }`;

/**
 * The seeded tenant has 1 evaluation among its 20 newest jobs, which hides what the loaders save
 * (Evaluation.job). This adds checkpoint evaluations so that every job with a checkpoint has 5.
 */
async function enrich(emu: Emu): Promise<number> {
  type Job = { job_id: string; status: string; checkpoints?: Array<{ checkpoint_id: string }> | null };
  const { jobs } = await emu.rest<{ jobs: Job[] }>('GET', '/jobs?page_size=20');
  let added = 0;
  for (const job of jobs) {
    const { evaluations } = await emu.rest<{ evaluations: unknown[] }>(
      'GET',
      `/evaluations?job_id=${job.job_id}&page_size=5`,
    );
    const checkpoint = job.checkpoints?.at(-1)?.checkpoint_id;
    if (!checkpoint && job.status !== 'COMPLETED') continue;
    for (let i = evaluations.length; i < 5; i++) {
      const body: Record<string, unknown> = { job_id: job.job_id, benchmarks: [{ name: 'mmlu' }, { name: 'gsm8k' }] };
      if (checkpoint) body.checkpoint_id = checkpoint;
      await emu.rest('POST', '/evaluations', body);
      added++;
    }
  }
  return added;
}

async function nestedAt(ctx: Ctx, latencyMs: number) {
  const emu = await startEmulator(latencyMs, null);
  let gateway: Proc | undefined;
  let naive: Proc | undefined;
  try {
    const added = ctx.opts.enrich ? await enrich(emu) : 0;
    [gateway, naive] = await Promise.all([startGateway(emu), startNaive(emu)]);
    const variants: Variant[] = [
      { label: 'gateway', sut: gateway, emu, spec: graphqlSpec(gateway.url, NESTED_QUERY) },
      { label: 'naive', sut: naive, emu, spec: graphqlSpec(naive.url, NESTED_QUERY) },
    ];
    const gp = await probe(emu, variants[0]?.spec as Variant['spec']);
    const np = await probe(emu, variants[1]?.spec as Variant['spec']);
    const evaluations = (gp.body.match(/"status"/g) ?? []).length;
    const m = await measureAll(ctx, variants);
    // Latency without queueing: one connection, so p50 is the time of one request.
    const oneConnection: Record<string, number | null> = {};
    for (const v of variants) {
      await drain(emu);
      await awaitQuiet(ctx.opts.quietWaitS);
      const r = await ctx.loadgen.run({ ...v.spec, connections: 1, durationS: 1.5 });
      oneConnection[v.label] = round(r.p50Ms, 1);
    }
    return {
      upstream_latency_ms: latencyMs,
      evaluations_added: added,
      evaluations_returned: evaluations,
      response_bytes: gp.body.length,
      upstream_calls: gp.calls,
      upstream_calls_by_route: gp.byRoute,
      naive_upstream_calls: np.calls,
      naive_upstream_calls_by_route: np.byRoute,
      gateway_rps: m.gateway?.rps,
      naive_rps: m.naive?.rps,
      gateway_vs_naive: ratio(m.gateway?.rps, m.naive?.rps),
      gateway_p50_ms: m.gateway?.p50_ms,
      gateway_p99_ms: m.gateway?.p99_ms,
      naive_p50_ms: m.naive?.p50_ms,
      p50_ms_one_connection: oneConnection,
      variants: m,
    };
  } finally {
    await stopAll([gateway, naive, emu]);
  }
}

async function nested(ctx: Ctx) {
  log('nested @ 0 ms upstream latency');
  const at0 = await nestedAt(ctx, 0);
  let atN: Awaited<ReturnType<typeof nestedAt>> | null = null;
  if (ctx.opts.latencyMs > 0) {
    log(`nested @ ${ctx.opts.latencyMs} ms upstream latency`);
    atN = await nestedAt(ctx, ctx.opts.latencyMs);
  }
  const result: Record<string, unknown> = {
    query: NESTED_QUERY,
    naive_variant:
      'bench/naive-gateway.ts (plain Yoga, one REST call per resolver): the gateway has no switch to disable its loaders; needed hook: GATEWAY_LOADERS=off',
    upstream_calls: at0.upstream_calls,
    exactly_21: at0.upstream_calls === 21,
    naive_upstream_calls: at0.naive_upstream_calls,
    gateway_rps: at0.gateway_rps,
    naive_rps: at0.naive_rps,
    gateway_p50_ms: at0.gateway_p50_ms,
    gateway_p99_ms: at0.gateway_p99_ms,
    gateway_cpu_ms_per_req: at0.variants.gateway?.cpu_ms_per_req,
    at_0ms: at0,
  };
  if (atN) {
    result[`at_${ctx.opts.latencyMs}ms`] = atN;
    result[`gateway_rps_at_${ctx.opts.latencyMs}ms`] = atN.gateway_rps;
    result[`naive_rps_at_${ctx.opts.latencyMs}ms`] = atN.naive_rps;
    result[`gateway_p50_ms_at_${ctx.opts.latencyMs}ms`] = atN.gateway_p50_ms;
    result[`upstream_calls_at_${ctx.opts.latencyMs}ms`] = atN.upstream_calls;
  }
  return result;
}

const LIST_QUERY = /* GraphQL */ `query List { trainingJobs(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { node { jobId name status createdAt } } } }`;
const WALK_QUERY = /* GraphQL */ `query Walk($after: String) { trainingJobs(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { jobId name status } } } }`;
const EVALS_QUERY = /* GraphQL */ `query Evals { evaluations(first: 20) { totalCount edges { node { evaluationId status benchmarks { name score } } } } }`;

type WalkPage = { trainingJobs: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: unknown[] } };

async function walk(url: string): Promise<{ afters: Array<string | null>; items: number; ms: number }> {
  const afters: Array<string | null> = [];
  let after: string | null = null;
  let items = 0;
  const started = performance.now();
  for (;;) {
    afters.push(after);
    const page: WalkPage = await graphql<WalkPage>(url, WALK_QUERY, { after });
    items += page.trainingJobs.edges.length;
    if (!page.trainingJobs.pageInfo.hasNextPage) break;
    after = page.trainingJobs.pageInfo.endCursor;
    if (afters.length > 1000) throw new Error('walk does not end');
  }
  return { afters, items, ms: performance.now() - started };
}

async function listing(ctx: Ctx) {
  const emu = await startEmulator(0, ctx.opts.seedJobs);
  let gateway: Proc | undefined;
  try {
    gateway = await startGateway(emu);
    // Serial walks (one client following endCursor), also recording the cursors for the load run.
    await emu.resetStats();
    const first = await walk(gateway.url);
    const walkCalls = totalCalls(await emu.stats());
    const serial: number[] = [];
    for (let i = 0; i < 3; i++) serial.push((await walk(gateway.url)).ms);
    const url = new URL(gateway.url);
    const headers = { 'content-type': 'application/json', authorization: AUTH };
    const variants: Variant[] = [
      { label: 'first100', sut: gateway, emu, spec: graphqlSpec(gateway.url, LIST_QUERY) },
      {
        label: 'walk50',
        sut: gateway,
        emu,
        spec: {
          url: gateway.url,
          method: 'POST',
          headers,
          // Each connection walks the pages in order, then starts over.
          requests: first.afters.map((after) => ({
            method: 'POST',
            path: url.pathname,
            headers,
            body: JSON.stringify({ query: WALK_QUERY, variables: { after } }),
          })),
          verify: 'graphql',
        },
      },
      { label: 'evaluations20', sut: gateway, emu, spec: graphqlSpec(gateway.url, EVALS_QUERY) },
    ];
    const probes: Record<string, number> = {};
    for (const v of [variants[0], variants[2]]) if (v) probes[v.label] = (await probe(emu, v.spec)).calls;
    const m = await measureAll(ctx, variants);
    const pages = first.afters.length;
    return {
      seed_jobs: ctx.opts.seedJobs,
      first100: { query: LIST_QUERY, upstream_calls: probes.first100, ...m.first100 },
      walk50: {
        query: WALK_QUERY,
        pages,
        items: first.items,
        upstream_calls_per_walk: walkCalls,
        serial_walk_ms: round(median(serial), 1),
        walks_per_s: typeof m.walk50?.rps === 'number' ? round(m.walk50.rps / pages, 1) : null,
        note: 'rps, p50 and p99 are per page request; each connection replays the recorded cursors in order',
        ...m.walk50,
      },
      evaluations20: { query: EVALS_QUERY, upstream_calls: probes.evaluations20, ...m.evaluations20 },
    };
  } finally {
    await stopAll([gateway, emu]);
  }
}

const SUBMIT_MUTATION = /* GraphQL */ `mutation Submit($jobId: ID!, $key: String) { submitEvaluation(input: { jobId: $jobId, benchmarks: [{ name: "mmlu", numSamples: 1000 }], idempotencyKey: $key }) { evaluation { id evaluationId status } userErrors { field message code } } }`;

async function mutation(ctx: Ctx) {
  const emu = await startEmulator(0, null);
  let gateway: Proc | undefined;
  try {
    gateway = await startGateway(emu);
    const { jobs } = await emu.rest<{ jobs: Array<{ job_id: string }> }>('GET', '/jobs?status=COMPLETED&page_size=1');
    const jobId = jobs[0]?.job_id;
    if (!jobId) throw new Error('no COMPLETED job in the seeded tenant');
    const spec = (key: string | null): Variant['spec'] => ({
      ...graphqlSpec(gateway?.url ?? '', SUBMIT_MUTATION, { jobId, key }),
      verify: 'mutation',
      idReplacement: key !== null,
    });
    // Every round starts from a freshly seeded store, so the evaluations created pile up per round only.
    const reseed = () => emu.reset();
    const variants: Variant[] = [
      { label: 'with_key', sut: gateway, emu, spec: spec('bench-[<id>]'), beforeRound: reseed },
      { label: 'without_key', sut: gateway, emu, spec: spec(null), beforeRound: reseed },
    ];
    const p = await probe(emu, spec(`probe-${Date.now()}`));
    await emu.reset();
    const m = await measureAll(ctx, variants);
    return {
      mutation: SUBMIT_MUTATION,
      job_id: jobId,
      upstream_calls: p.calls,
      upstream_calls_by_route: p.byRoute,
      gateway_rps: m.with_key?.rps,
      gateway_p50_ms: m.with_key?.p50_ms,
      gateway_p99_ms: m.with_key?.p99_ms,
      without_key_rps: m.without_key?.rps,
      variants: m,
    };
  } finally {
    await stopAll([gateway, emu]);
  }
}

/**
 * fanout / fanout-redis belong to bench/fanout.ts (another engineer's): it is run as is, with the
 * numeric arguments given after the scenario name and BENCH_SCENARIO set; its last stdout line
 * (JSON) is embedded in the report.
 */
async function delegate(scenario: string): Promise<unknown> {
  const script = join(REPO, 'bench', 'fanout.ts');
  if (!fileExists(script)) {
    const message = `${scenario}: not available (bench/fanout.ts does not exist)`;
    process.stdout.write(`${message}\n`);
    return { available: false, note: message };
  }
  if (scenario === 'fanout-redis' && !/redis/i.test(readFileSync(script, 'utf8'))) {
    const message = 'fanout-redis: not available (bench/fanout.ts has no Redis mode yet)';
    process.stdout.write(`${message}\n`);
    return { available: false, note: message };
  }
  log(`${scenario}: delegating to bench/fanout.ts ${passThrough.join(' ')}`);
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...passThrough], {
    cwd: REPO,
    env: { ...process.env, BENCH_SCENARIO: scenario },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  track(child);
  let last = '';
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) last = line;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (buffer.trim()) last = buffer;
  const command = `npx tsx bench/fanout.ts ${passThrough.join(' ')}`.trim();
  try {
    const parsed = JSON.parse(last) as Record<string, unknown>;
    const own = parsed[scenario.replace('-', '_')];
    return {
      ...(typeof own === 'object' && own !== null ? own : parsed),
      command,
      exit_code: code,
      pinning: parsed.pinning,
    };
  } catch {
    return { command, exit_code: code, output_last_line: last };
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  process.stdout.write(`command: ${command}\n`);
  const started = Date.now();
  const report: Record<string, unknown> = {
    machine: machine(),
    command,
    settings: {
      duration_s: opts.durationS,
      rounds: opts.rounds,
      warmup_s: opts.warmupS,
      connections: opts.connections,
      nested_latency_ms: [0, opts.latencyMs],
      quiet_wait_s: opts.quietWaitS,
      noisy_retries: opts.noisyRetries,
      listing_seed_jobs: opts.seedJobs,
      emulator_speed: 0,
      node_env: 'production',
      gateway_node_flags: gatewayNodeFlags.join(' '),
      gateway_log_level: 'info (default)',
      load_generator: 'autocannon 9.0.0 (one process, pipelining 1)',
      cpu_per_request: '(utime+stime of the server process from /proc/<pid>/stat) ÷ completed requests',
    },
  };
  let failed = false;
  const needsLoad = selected.some((s) => (SCENARIOS as readonly string[]).includes(s) || s === 'profile');
  const loadgen = needsLoad ? await startLoadGen(layout.rest) : null;
  if (loadgen) recordAffinity('loadgen', loadgen.proc.pid);
  try {
    for (const scenario of selected) {
      log(`scenario ${scenario}`);
      try {
        if ((DELEGATED as readonly string[]).includes(scenario)) {
          // fanout.ts reports under "fanout" / "fanout_redis": keep that shape at the top level.
          report[scenario.replace('-', '_')] = await delegate(scenario);
          continue;
        }
        const ctx: Ctx = { opts, layout, loadgen: loadgen as LoadGen };
        if (scenario === 'overhead') report.overhead = await overhead(ctx);
        else if (scenario === 'nested') report.nested = await nested(ctx);
        else if (scenario === 'listing') report.listing = await listing(ctx);
        else if (scenario === 'mutation') report.mutation = await mutation(ctx);
        else if (scenario === 'profile') {
          const { profile } = await import('./profile.js');
          report.profile = await profile(ctx, {
            startEmulator,
            startGateway,
            log,
            prepare: async (emu) => {
              if (opts.profileQuery === 'nested') {
                if (opts.enrich) await enrich(emu);
                return { name: 'nested', query: NESTED_QUERY };
              }
              const { jobs } = await emu.rest<{ jobs: Array<{ job_id: string }> }>(
                'GET',
                '/jobs?page_size=1&status=COMPLETED',
              );
              return { name: 'overhead', query: OVERHEAD_QUERY, variables: { id: jobs[0]?.job_id } };
            },
          });
        }
      } catch (error) {
        failed = true;
        log(`scenario ${scenario} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        report[scenario] = { error: error instanceof Error ? error.message : String(error) };
      }
    }
  } finally {
    await loadgen?.stop();
  }
  report.pinning = pinningReport();
  report.elapsed_s = round((Date.now() - started) / 1000, 1);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = failed ? 1 : 0;
}

await main();
