/**
 * How a scenario measures its variants: warm-up, rounds interleaved across variants, CPU time of
 * the server process per request from /proc, upstream calls from the emulator's counters, and
 * what other processes on the machine used meanwhile. See bench/README.md ("Method").
 */

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

function summarise(ctx: Ctx, variant: Variant, rounds: Round[]) {
  const { layout, opts } = ctx;
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
    bottleneck: bottleneck(
      layout,
      util,
      restBusy,
      median(rounds.map((r) => r.foreign)),
      variant.emulatorIsSut === true,
    ),
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
export async function measureAll(ctx: Ctx, all: Variant[]): Promise<Record<string, Record<string, unknown>>> {
  const only = ctx.opts.only;
  const variants = only ? all.filter((v) => only.includes(v.label)) : all;
  for (const variant of variants) {
    if (ctx.opts.warmupS <= 0) break;
    ctx.log(`  warm-up ${variant.label} (${ctx.opts.warmupS} s)`);
    await withEmulatorOnSut(ctx, variant, () =>
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
      let r = await withEmulatorOnSut(ctx, variant, () => measureRound(ctx, variant, ctx.opts.durationS));
      for (let retry = 0; retry < ctx.opts.noisyRetries && r.foreign > NOISY_CORES; retry++) {
        ctx.log(
          `  round ${i + 1} ${variant.label}: other processes used ${r.foreign.toFixed(2)} core; measuring again`,
        );
        const again = await withEmulatorOnSut(ctx, variant, () => measureRound(ctx, variant, ctx.opts.durationS));
        again.retried = (r.retried ?? 0) + 1;
        if (again.foreign < r.foreign) r = again;
        else r.retried = again.retried;
      }
      rounds.get(variant.label)?.push(r);
      ctx.log(
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
  for (const variant of variants) out[variant.label] = summarise(ctx, variant, rounds.get(variant.label) ?? []);
  return out;
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
