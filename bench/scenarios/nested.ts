/**
 * `nested`: the 21-call showcase query at 0 ms and --latency ms upstream latency, gateway vs the
 * naive Yoga BFF (one REST call per resolver).
 */
import { type Ctx, type Scenario, stopAll } from '../lib/context.js';
import type { Emu } from '../lib/emulator.js';
import { awaitQuiet, drain, graphqlSpec, measureAll, probe, ratio, type Variant } from '../lib/measure.js';
import type { Proc } from '../lib/procs.js';
import { round } from '../lib/util.js';

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
  const emu = await ctx.startEmulator(latencyMs, null);
  let gateway: Proc | undefined;
  let naive: Proc | undefined;
  try {
    const added = ctx.opts.enrich ? await enrich(emu) : 0;
    [gateway, naive] = await Promise.all([ctx.startGateway(emu), ctx.startNaive(emu)]);
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
  ctx.log('nested @ 0 ms upstream latency');
  const at0 = await nestedAt(ctx, 0);
  let atN: Awaited<ReturnType<typeof nestedAt>> | null = null;
  if (ctx.opts.latencyMs > 0) {
    ctx.log(`nested @ ${ctx.opts.latencyMs} ms upstream latency`);
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

export const scenarios: Scenario[] = [
  {
    name: 'nested',
    summary: 'the 21-call showcase query at 0 ms and --latency ms upstream latency: gateway vs naive Yoga',
    defaultOrder: 20,
    needsLoadGen: true,
    run: nested,
  },
];
