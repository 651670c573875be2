/**
 * `nested`: the 21-call showcase query. Under load at 0 ms upstream latency (CPU per request and
 * per upstream call, next to the Apollo peer, the naive Yoga BFF and the bare proxy forwarding one
 * GET), then with one connection at each --latencies value (latency faults on the same emulator,
 * so the same warm processes): p50 should stay within two upstream round trips plus a few ms.
 */
import { type Ctx, type Scenario, stopAll } from '../lib/context.js';
import type { Emu } from '../lib/emulator.js';
import { AUTH } from '../lib/emulator.js';
import {
  cpuOf,
  cpuPerCallOf,
  fmtSpread,
  graphqlSpec,
  measureAll,
  pairedRatio,
  printVariants,
  probe,
  type Spread,
  type Variant,
  type VariantResult,
  verdict,
} from '../lib/measure.js';
import type { Proc } from '../lib/procs.js';

export const NESTED_QUERY = /* GraphQL */ `query Nested { trainingJobs(first: 20) { edges { node { name evaluations(first: 5) { edges { node { status job { name } benchmarks { name score } } } } } } } }`;

/**
 * The seeded tenant has 1 evaluation among its 20 newest jobs, which hides what the loaders save
 * (Evaluation.job). This adds checkpoint evaluations so that every job with a checkpoint has 5.
 */
export async function enrich(emu: Emu): Promise<number> {
  type Job = { job_id: string; status: string; checkpoints?: Array<{ checkpoint_id: string }> | null };
  const { jobs } = await emu.rest<{ jobs: Job[] }>('GET', '/jobs?page_size=20');
  let added = 0;
  for (const job of jobs) {
    // Evaluation listings are job-shaped records under `jobs` (older coordinators: `evaluations`).
    const listing = await emu.rest<{ jobs?: unknown[]; evaluations?: unknown[] }>(
      'GET',
      `/evaluations?job_id=${job.job_id}&page_size=5`,
    );
    const evaluations = listing.jobs ?? listing.evaluations ?? [];
    const checkpoint = job.checkpoints?.at(-1)?.checkpoint_id;
    if (!checkpoint && job.status !== 'COMPLETED') continue;
    for (let i = evaluations.length; i < 5; i++) {
      const body: Record<string, unknown> = {
        job_id: job.job_id,
        model_uri: `scaimind://jobs/${job.job_id}/${checkpoint ?? 'final'}`,
        benchmarks: [{ name: 'mmlu' }, { name: 'gsm8k' }],
      };
      if (checkpoint) body.checkpoint_id = checkpoint;
      await emu.rest('POST', '/evaluations', body);
      added++;
    }
  }
  return added;
}

/** Issue 16: gateway CPU per upstream call at most 1.5× the proxy's CPU per request. */
const TARGET_CPU_PER_CALL_TO_PROXY = 1.5;
/** "Two upstream round trips plus a few ms": the few ms. */
const FEW_MS = 5;

async function nested(ctx: Ctx) {
  const emu = await ctx.startEmulator(0, null);
  const procs: Proc[] = [];
  try {
    const added = ctx.opts.enrich ? await enrich(emu) : 0;
    const { gateway, apollo, proxy, naive, baseline } = await ctx.startCompared(emu, procs);
    const { jobs } = await emu.rest<{ jobs: Array<{ job_id: string }> }>('GET', '/jobs?page_size=1&status=COMPLETED');
    const graphqlVariants: Variant[] = [
      { label: 'gateway', sut: gateway, emu, spec: graphqlSpec(gateway.url, NESTED_QUERY) },
      { label: 'apollo', sut: apollo, emu, spec: graphqlSpec(apollo.url, NESTED_QUERY) },
      { label: 'naive', sut: naive, emu, spec: graphqlSpec(naive.url, NESTED_QUERY) },
    ];
    if (baseline) {
      graphqlVariants.splice(1, 0, {
        label: 'baseline',
        sut: baseline,
        emu,
        spec: graphqlSpec(baseline.url, NESTED_QUERY),
      });
    }
    const proxyVariant: Variant = {
      label: 'proxy',
      sut: proxy,
      emu,
      spec: {
        url: `${proxy.url}/jobs/${jobs[0]?.job_id}`,
        method: 'GET',
        headers: { authorization: AUTH },
        verify: 'json',
      },
    };
    const probes: Record<string, { calls: number; byRoute: Record<string, number> }> = {};
    let body = '';
    for (const v of graphqlVariants) {
      const p = await probe(emu, v.spec);
      probes[v.label] = { calls: p.calls, byRoute: p.byRoute };
      if (v.label === 'gateway') body = p.body;
    }
    const evaluations = (body.match(/"status"/g) ?? []).length;

    ctx.log('nested under load @ 0 ms upstream latency');
    const m = await measureAll(ctx, [...graphqlVariants, proxyVariant]);
    const perCall = pairedRatio(m.gateway, m.proxy, cpuPerCallOf);
    const peer = pairedRatio(m.apollo, m.gateway, cpuOf);
    printVariants(ctx, 'nested: the showcase query under load (CPU ms per request, median [min-max])', m);
    ctx.print(
      `  gateway CPU per upstream call ÷ proxy CPU per request: ${fmtSpread(perCall, '×')} ` +
        `(target ≤ ${TARGET_CPU_PER_CALL_TO_PROXY}×: ${verdict(perCall, TARGET_CPU_PER_CALL_TO_PROXY)})`,
    );
    ctx.print(`  apollo ÷ gateway CPU per request (peer): ${fmtSpread(peer, '×')}`);
    const vsBaseline = pairedRatio(m.gateway, m.baseline, cpuOf);
    if (m.baseline)
      ctx.print(`  gateway ÷ baseline (${ctx.opts.baselineDist}) CPU per request: ${fmtSpread(vsBaseline, '×')}`);
    ctx.print(
      `  upstream calls per request: ${Object.entries(probes)
        .map(([label, p]) => `${label} ${p.calls}`)
        .join(', ')}`,
    );

    // Latency: one connection, so p50 is the time of one request; processes stay warm. What the
    // upstream latency adds to p50 (over the 0 ms run) should be two round trips plus a few ms:
    // the job list, then the evaluation lists in parallel (Evaluation.job comes from the loader).
    const latency: Record<string, ReturnType<typeof latencyFigures>> = {};
    let base: Record<string, VariantResult> = {};
    for (const ms of [0, ...ctx.opts.latencies]) {
      await emu.setLatency(ms);
      ctx.log(`nested, one connection @ ${ms} ms upstream latency`);
      const one = await measureAll(
        ctx,
        graphqlVariants.map((v) => ({ ...v, spec: { ...v.spec, connections: 1 } })),
        { warmUp: false, durationS: Math.min(ctx.opts.durationS, 2) },
      );
      if (ms === 0) base = one;
      const figures = latencyFigures(ms, one, base);
      latency[`at_${ms}ms`] = figures;
      printVariants(ctx, `nested, one connection, ${ms} ms upstream latency (p50 is the time of one request)`, one);
      if (ms > 0) {
        ctx.print(
          `  added by the latency to p50: ${Object.entries(figures.added_p50_ms)
            .map(([label, v]) => `${label} ${v} ms (${v === null ? '?' : (v / ms).toFixed(1)} round trips)`)
            .join(', ')}; ` +
            `gateway within two round trips + ${FEW_MS} ms (${2 * ms + FEW_MS} ms): ${figures.gateway_within ? 'yes' : 'NO'}`,
        );
      }
    }
    await emu.setLatency(0);

    return {
      query: NESTED_QUERY,
      evaluations_added: added,
      evaluations_returned: evaluations,
      response_bytes: body.length,
      upstream_calls: probes.gateway?.calls,
      exactly_21: probes.gateway?.calls === 21,
      upstream_calls_by_variant: probes,
      /** Gateway CPU per upstream call ÷ proxy CPU per request (per-round ratios). */
      cpu_per_call_ratio_to_proxy: perCall,
      target_cpu_per_call_ratio_to_proxy: TARGET_CPU_PER_CALL_TO_PROXY,
      cpu_per_call_ratio_to_proxy_verdict: verdict(perCall, TARGET_CPU_PER_CALL_TO_PROXY),
      peer_cpu_ratio: peer,
      naive_cpu_ratio: pairedRatio(m.naive, m.gateway, cpuOf),
      baseline_cpu_ratio: m.baseline ? vsBaseline : undefined,
      gateway_cpu_ms_per_req: m.gateway?.cpu_ms_per_req,
      gateway_rps: m.gateway?.rps,
      gateway_p50_ms: m.gateway?.p50_ms,
      gateway_p99_ms: m.gateway?.p99_ms,
      variants: m,
      latency,
    };
  } finally {
    await stopAll([...procs, emu]);
  }
}

function latencyFigures(ms: number, m: Record<string, VariantResult>, base: Record<string, VariantResult>) {
  const p50: Record<string, Spread> = {};
  const added: Record<string, number | null> = {};
  for (const [label, v] of Object.entries(m)) {
    p50[label] = v.spread.p50_ms;
    const at0 = base[label]?.p50_ms;
    added[label] =
      v.p50_ms === null || at0 === null || at0 === undefined ? null : Math.round((v.p50_ms - at0) * 10) / 10;
  }
  const gateway = added.gateway;
  return {
    upstream_latency_ms: ms,
    p50_ms_one_connection: p50,
    /** p50 here minus p50 at 0 ms, per variant. */
    added_p50_ms: added,
    bound_added_ms: 2 * ms + FEW_MS,
    gateway_within: ms === 0 ? null : gateway !== null && gateway !== undefined && gateway <= 2 * ms + FEW_MS,
    variants: m,
  };
}

export const scenarios: Scenario[] = [
  {
    name: 'nested',
    summary:
      'the 21-call showcase query under load (gateway, Apollo peer, naive Yoga, proxy) and with one connection at 0 ms and --latencies ms',
    defaultOrder: 20,
    needsLoadGen: true,
    run: nested,
  },
];
