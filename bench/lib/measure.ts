/**
 * How a scenario measures its variants: warm-up, rounds interleaved across variants, CPU time of
 * the server process per request from /proc, upstream calls from the emulator's counters, and
 * what other processes on the machine used meanwhile. See bench/README.md ("Method").
 */

import os from 'node:os';
import type { Ctx, Layout } from './context.js';
import { AUTH, type Emu, totalCalls } from './emulator.js';
import type { LoadSpec } from './load.js';
import { cpuMs, machineBusyMs, ownCpuMs, type Proc, pin } from './procs.js';
import { median, round, sleep } from './util.js';

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
  /** The machine's 1-minute load average at the end of the round. */
  load1: number;
  retried?: number;
}

/** A round during which processes outside the benchmark used more than this (in cores) is "noisy". */
const NOISY_CORES = 0.25;

export function graphqlSpec(url: string, query: string, variables?: Record<string, unknown>): Variant['spec'] {
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AUTH },
    body: JSON.stringify(variables ? { query, variables } : { query }),
    verify: 'graphql',
  };
}

async function withEmulatorOnSut<T>(ctx: Ctx, variant: Variant, work: () => Promise<T>): Promise<T> {
  const { layout } = ctx;
  if (!variant.emulatorIsSut || layout.sut === null) return work();
  pin(variant.emu.proc.pid, layout.sut);
  ctx.recordAffinity('emulator (direct)', variant.emu.proc.pid);
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
export async function drain(emu: Emu): Promise<void> {
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
export async function awaitQuiet(maxS: number): Promise<number> {
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
  const { layout } = ctx;
  const sutCore = layout.sut === null ? -1 : Number(layout.sut);
  const busyBefore = machineBusyMs();
  const ownBefore = ownCpuMs();
  const pids = { sut: variant.sut.pid, emulator: variant.emu.proc.pid, loadgen: ctx.loadgen.proc.pid };
  const before = { sut: cpuMs(pids.sut), emulator: cpuMs(pids.emulator), loadgen: cpuMs(pids.loadgen) };
  const logsBefore = variant.sut.lineCount();
  const started = performance.now();
  const connections = variant.spec.connections ?? ctx.opts.connections;
  const result = await ctx.loadgen.run({ ...variant.spec, connections, durationS });
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
    // At the end of a closed-loop run every connection has a request in flight, on average half
    // done: its CPU is in the reading, its completion is not. Counting each as half a request
    // keeps slow variants (a nested request under load takes ~1 s here) from looking ~20 % costlier.
    cpuPerReq: (after.sut - before.sut) / (n + Math.min(connections, n) / 2),
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
    load1: os.loadavg()[0] ?? Number.NaN,
  };
}

function bottleneck(
  layout: Layout,
  util: Round['util'],
  restCoreBusy: number,
  foreign: number,
  emulatorIsSut: boolean,
): string {
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

/** Median, min and max of a figure over rounds. */
export interface Spread {
  median: number | null;
  min: number | null;
  max: number | null;
}

export function spreadOf(values: readonly number[], digits: number): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    median: round(median(finite), digits),
    min: round(finite.length ? Math.min(...finite) : Number.NaN, digits),
    max: round(finite.length ? Math.max(...finite) : Number.NaN, digits),
  };
}

/** `spreadOf` of one figure of each item (round, sample). */
export const spreadBy = <T>(items: readonly T[], figure: (item: T) => number, digits: number): Spread =>
  spreadOf(items.map(figure), digits);

/** (max − min) ÷ median: above this a figure's rounds disagree too much to conclude from it. */
export const WIDE_SPREAD = 0.25;

export interface WarmUp {
  seconds: number;
  /**
   * CPU ms per request of each slice (1 s, longer for slow requests; slices completing fewer than
   * 4 requests per connection are not counted): it falls while V8 optimises and caches fill.
   */
  slices_cpu_ms_per_req: Array<number | null>;
  /** Whether the last three slices agreed within 10 % before the maximum was reached. */
  settled: boolean;
}

export interface VariantResult {
  /** Medians over rounds. */
  rps: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  cpu_ms_per_req: number | null;
  /** Median, min and max over rounds of the figures above. */
  spread: { cpu_ms_per_req: Spread; rps: Spread; p50_ms: Spread; p99_ms: Spread };
  /** Every round's figure, in measuring order (rounds of all variants alternate). */
  rounds: {
    cpu_ms_per_req: number[];
    rps: number[];
    p50_ms: number[];
    upstream_calls_per_req: number[];
    /** The machine's 1-minute load average at the end of each round. */
    load1: number[];
    /** CPU used by processes outside the benchmark during each round (cores): machine-wide, on the server's core. */
    foreign_cpu_cores: number[];
    foreign_on_server_core: number[];
  };
  /** CPU per request of round 1 ÷ median of the others: near 1 when the warm-up was long enough. */
  first_round_vs_others: number | null;
  warmup: WarmUp | null;
  /** What one core could serve if only the server's own CPU time counted. */
  rps_per_core_by_cpu: number | null;
  upstream_calls_per_req: number | null;
  upstream_by_route: Record<string, number | null>;
  cpu_util: Record<string, number | null>;
  bottleneck: string;
  connections: number;
  failed_requests: number;
  noisy_rounds_remeasured: number;
  server_log_lines_per_req?: number | null;
  /** Set when the rounds disagree too much to conclude (see WIDE_SPREAD). */
  warning?: string;
}

function summarise(ctx: Ctx, variant: Variant, rounds: Round[], warmup: WarmUp | null): VariantResult {
  const { layout, opts } = ctx;
  const util = {
    sut: median(rounds.map((r) => r.util.sut)),
    emulator: median(rounds.map((r) => r.util.emulator)),
    loadgen: median(rounds.map((r) => r.util.loadgen)),
  };
  const routes = new Set(rounds.flatMap((r) => Object.keys(r.byRoute)));
  const byRoute: Record<string, number | null> = {};
  for (const route of routes) byRoute[route] = round(median(rounds.map((r) => r.byRoute[route] ?? 0)), 3);
  const cpus = rounds.map((r) => r.cpuPerReq);
  const cpu = median(cpus);
  const restBusy = median(rounds.map((r) => r.restCoreBusy));
  const spread = {
    cpu_ms_per_req: spreadOf(cpus, 4),
    rps: spreadBy(rounds, (r) => r.rps, 0),
    p50_ms: spreadBy(rounds, (r) => r.p50, 1),
    p99_ms: spreadBy(rounds, (r) => r.p99, 1),
  };
  const result: VariantResult = {
    rps: spread.rps.median,
    p50_ms: spread.p50_ms.median,
    p99_ms: spread.p99_ms.median,
    cpu_ms_per_req: spread.cpu_ms_per_req.median,
    spread,
    rounds: {
      cpu_ms_per_req: cpus.map((v) => round(v, 4) ?? Number.NaN),
      rps: rounds.map((r) => round(r.rps) ?? Number.NaN),
      p50_ms: rounds.map((r) => r.p50),
      upstream_calls_per_req: rounds.map((r) => round(r.upstreamPerReq, 3) ?? Number.NaN),
      load1: rounds.map((r) => round(r.load1, 2) ?? Number.NaN),
      foreign_cpu_cores: rounds.map((r) => round(r.foreign, 2) ?? Number.NaN),
      foreign_on_server_core: rounds.map((r) => round(r.foreignOnSutCore, 2) ?? Number.NaN),
    },
    first_round_vs_others: rounds.length > 1 ? round((cpus[0] ?? Number.NaN) / median(cpus.slice(1)), 3) : null,
    warmup,
    rps_per_core_by_cpu: round(1000 / cpu),
    upstream_calls_per_req: round(median(rounds.map((r) => r.upstreamPerReq)), 3),
    upstream_by_route: byRoute,
    cpu_util: {
      server: round(util.sut, 2),
      emulator: round(util.emulator, 2),
      loadgen: round(util.loadgen, 2),
      [`core${layout.rest ?? '_rest'}_busy`]: round(restBusy, 2),
    },
    bottleneck: bottleneck(
      layout,
      util,
      restBusy,
      median(rounds.map((r) => r.foreign)),
      variant.emulatorIsSut === true,
    ),
    connections: variant.spec.connections ?? opts.connections,
    failed_requests: rounds.reduce((sum, r) => sum + r.bad, 0),
    noisy_rounds_remeasured: rounds.reduce((sum, r) => sum + (r.retried ?? 0), 0),
  };
  const logs = median(rounds.map((r) => r.logLinesPerReq));
  if (logs > 0) result.server_log_lines_per_req = round(logs, 3);
  // Closed loop at many connections: CPU per request is the headline; with one connection, latency.
  const headline = result.connections === 1 ? spread.p50_ms : spread.cpu_ms_per_req;
  const wide = relativeSpread(headline);
  if (rounds.length > 1 && wide > WIDE_SPREAD) {
    result.warning =
      `${variant.label}: ${result.connections === 1 ? 'p50' : 'CPU per request'} varies by ${Math.round(wide * 100)} % ` +
      `between rounds (${headline.min}-${headline.max}): too wide to conclude from; rerun on a quieter machine or with more --rounds`;
  }
  return result;
}

export function relativeSpread(s: Spread): number {
  if (s.median === null || s.min === null || s.max === null || s.median === 0) return Number.NaN;
  return (s.max - s.min) / s.median;
}

/**
 * Warms a variant up in 1-s slices until its CPU per request stops falling (the last three slices
 * within 10 %) and at least --warmup seconds passed, or --warmup-max is reached. A 2-s warm-up
 * left the first round of the gateway visibly cold on a busy machine.
 */
async function warmUp(ctx: Ctx, variant: Variant): Promise<WarmUp | null> {
  const { warmupS, warmupMaxS } = ctx.opts;
  if (warmupS <= 0) return null;
  const connections = variant.spec.connections ?? ctx.opts.connections;
  const slices: number[] = [];
  let seconds = 0;
  let sliceS = 1;
  let settled = false;
  while (seconds < Math.max(warmupS, warmupMaxS)) {
    const before = cpuMs(variant.sut.pid);
    const r = await ctx.loadgen.run({ ...variant.spec, connections, durationS: sliceS });
    seconds += sliceS;
    // CPU of requests still in flight at the slice's end counts, their completion does not: with
    // slow requests a slice must complete many per connection to mean anything, so it grows.
    if (r.requests < 4 * connections) {
      sliceS = Math.min(sliceS * 2, 4);
      continue;
    }
    slices.push((cpuMs(variant.sut.pid) - before) / (r.requests + connections / 2));
    const last = slices.slice(-3);
    if (seconds >= warmupS && last.length === 3 && Math.max(...last) <= 1.1 * Math.min(...last)) {
      settled = true;
      break;
    }
  }
  await drain(variant.emu);
  return { seconds, slices_cpu_ms_per_req: slices.map((v) => round(v, 4)), settled };
}

/** Warms every variant up, then measures them round-robin: round 1 of each, round 2 of each, ... */
export async function measureAll(
  ctx: Ctx,
  all: Variant[],
  options: { warmUp?: boolean; durationS?: number } = {},
): Promise<Record<string, VariantResult>> {
  const only = ctx.opts.only;
  const variants = only ? all.filter((v) => only.includes(v.label)) : all;
  const durationS = options.durationS ?? ctx.opts.durationS;
  const warmups = new Map<string, WarmUp | null>();
  for (const variant of variants) {
    if (options.warmUp === false) break;
    const w = await withEmulatorOnSut(ctx, variant, () => warmUp(ctx, variant));
    warmups.set(variant.label, w);
    if (w) {
      ctx.log(
        `  warm-up ${variant.label}: ${w.seconds} s${w.settled ? '' : ' (not settled)'}, cpu-ms/req per slice ` +
          w.slices_cpu_ms_per_req.map((v) => v?.toFixed(3)).join(' '),
      );
    }
  }
  const rounds = new Map<string, Round[]>(variants.map((v) => [v.label, []]));
  for (let i = 0; i < ctx.opts.rounds; i++) {
    for (const variant of variants) {
      let r = await withEmulatorOnSut(ctx, variant, () => measureRound(ctx, variant, durationS));
      for (let retry = 0; retry < ctx.opts.noisyRetries && r.foreign > NOISY_CORES; retry++) {
        ctx.log(
          `  round ${i + 1} ${variant.label}: other processes used ${r.foreign.toFixed(2)} core; measuring again`,
        );
        const again = await withEmulatorOnSut(ctx, variant, () => measureRound(ctx, variant, durationS));
        again.retried = (r.retried ?? 0) + 1;
        if (again.foreign < r.foreign) r = again;
        else r.retried = again.retried;
      }
      rounds.get(variant.label)?.push(r);
      ctx.log(
        `  round ${i + 1}/${ctx.opts.rounds} ${variant.label}: ${r.cpuPerReq.toFixed(3)} cpu-ms/req, ${Math.round(r.rps)} req/s, ` +
          `p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.upstreamPerReq.toFixed(2)} upstream/req, ` +
          `util server ${r.util.sut.toFixed(2)} emu ${r.util.emulator.toFixed(2)} loadgen ${r.util.loadgen.toFixed(2)}, ` +
          `load ${r.load1.toFixed(2)}, foreign ${r.foreign.toFixed(2)} core (server core ${r.foreignOnSutCore.toFixed(2)})` +
          (r.quietWaitMs > 1000 ? `, waited ${(r.quietWaitMs / 1000).toFixed(1)} s for quiet` : '') +
          (r.bad ? `, ${r.bad} FAILED` : ''),
      );
    }
  }
  const out: Record<string, VariantResult> = {};
  for (const variant of variants) {
    out[variant.label] = summarise(ctx, variant, rounds.get(variant.label) ?? [], warmups.get(variant.label) ?? null);
  }
  return out;
}

/**
 * A ratio between two variants from their rounds taken pairwise (round i of each was measured
 * back to back, so drift of a busy machine cancels): median, min and max of the per-round ratios.
 */
export function pairedRatio(
  a: VariantResult | undefined,
  b: VariantResult | undefined,
  pick: (r: VariantResult['rounds'], i: number) => number,
): Spread {
  if (!a || !b) return { median: null, min: null, max: null };
  const n = Math.min(a.rounds.cpu_ms_per_req.length, b.rounds.cpu_ms_per_req.length);
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(pick(a.rounds, i) / pick(b.rounds, i));
  return spreadOf(values, 3);
}

export const cpuOf = (r: VariantResult['rounds'], i: number) => r.cpu_ms_per_req[i] ?? Number.NaN;
export const cpuPerCallOf = (r: VariantResult['rounds'], i: number) =>
  (r.cpu_ms_per_req[i] ?? Number.NaN) / (r.upstream_calls_per_req[i] ?? Number.NaN);

/** Whether a ratio meets an upper bound: only when its whole range is on one side is it decided. */
export function verdict(s: Spread, atMost: number): 'met' | 'missed' | 'undecided: the rounds straddle the target' {
  if (s.max !== null && s.max <= atMost) return 'met';
  if (s.min !== null && s.min > atMost) return 'missed';
  return 'undecided: the rounds straddle the target';
}

export const fmtSpread = (s: Spread, unit = '') =>
  s.median === null ? 'n/a' : `${s.median}${unit} [${s.min}-${s.max}]`;

/** Human-readable lines for a scenario's variants: CPU per request first, then the rest. */
export function printVariants(ctx: Ctx, title: string, m: Record<string, VariantResult>): void {
  ctx.print(`${title}`);
  for (const [label, v] of Object.entries(m)) {
    ctx.print(
      `  ${label.padEnd(12)} cpu ${fmtSpread(v.spread.cpu_ms_per_req, ' ms/req').padEnd(30)} ` +
        `${fmtSpread(v.spread.rps, ' req/s').padEnd(24)} p50 ${fmtSpread(v.spread.p50_ms, ' ms').padEnd(20)} ` +
        `upstream/req ${v.upstream_calls_per_req}` +
        (v.first_round_vs_others !== null ? `  round 1 vs rest ×${v.first_round_vs_others}` : '') +
        (v.failed_requests ? `  FAILED ${v.failed_requests}` : ''),
    );
  }
  const first = Object.values(m)[0];
  if (first) {
    const loads = Object.values(m).flatMap((v) => v.rounds.load1);
    const foreign = Object.values(m).flatMap((v) => v.rounds.foreign_cpu_cores);
    ctx.print(
      `  load during the rounds: 1-min load average ${fmtSpread(spreadOf(loads, 2))}, ` +
        `other processes ${fmtSpread(spreadOf(foreign, 2), ' cores')}`,
    );
  }
  for (const v of Object.values(m)) if (v.warning) ctx.print(`  WARNING ${v.warning}`);
}

/** One request with counts reset before and read after: the exact upstream calls of one operation. */
export async function probe(
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

export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: unknown,
): Promise<T> {
  const reply = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AUTH },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await reply.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}

export const ratio = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number' && b > 0 ? round(a / b, 3) : null;
