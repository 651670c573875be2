/**
 * `overhead`: one job by id through the gateway, next to the peer (Apollo Server 4 with
 * RESTDataSource), the floor (a bare undici proxy forwarding the same GET), the emulator answering
 * directly and the naive Yoga BFF. The headline is CPU per request of the server process, as
 * ratios of rounds measured back to back.
 */
import { type Ctx, type Scenario, stopAll } from '../lib/context.js';
import { AUTH } from '../lib/emulator.js';
import {
  cpuOf,
  fmtSpread,
  graphqlSpec,
  measureAll,
  pairedRatio,
  printVariants,
  probe,
  ratio,
  type Variant,
  verdict,
} from '../lib/measure.js';
import type { Proc } from '../lib/procs.js';

export const OVERHEAD_QUERY = /* GraphQL */ `query Overhead($id: ID!) { trainingJob(id: $id) { name status progress { fraction } } }`;

/** Issue 16: gateway CPU per request at most twice the bare proxy's. */
const TARGET_CPU_RATIO_TO_PROXY = 2;

async function overhead(ctx: Ctx) {
  const emu = await ctx.startEmulator(0, null);
  const procs: Proc[] = [];
  try {
    const { gateway, apollo, proxy, naive, baseline } = await ctx.startCompared(emu, procs);
    const jobs = await emu.rest<{ jobs: Array<{ job_id: string }> }>('GET', '/jobs?page_size=1&status=COMPLETED');
    const jobId = jobs.jobs[0]?.job_id;
    if (!jobId) throw new Error('no COMPLETED job in the seeded tenant');
    const rest = (url: string) => ({
      url,
      method: 'GET' as const,
      headers: { authorization: AUTH },
      verify: 'json' as const,
    });
    const variants: Variant[] = [
      { label: 'gateway', sut: gateway, emu, spec: graphqlSpec(gateway.url, OVERHEAD_QUERY, { id: jobId }) },
      { label: 'apollo', sut: apollo, emu, spec: graphqlSpec(apollo.url, OVERHEAD_QUERY, { id: jobId }) },
      { label: 'proxy', sut: proxy, emu, spec: rest(`${proxy.url}/jobs/${jobId}`) },
      { label: 'direct', sut: emu.proc, emu, emulatorIsSut: true, spec: rest(`${emu.baseUrl}/jobs/${jobId}`) },
      { label: 'naive', sut: naive, emu, spec: graphqlSpec(naive.url, OVERHEAD_QUERY, { id: jobId }) },
    ];
    if (baseline) {
      variants.splice(1, 0, {
        label: 'baseline',
        sut: baseline,
        emu,
        spec: graphqlSpec(baseline.url, OVERHEAD_QUERY, { id: jobId }),
      });
    }
    const probes: Record<string, number> = {};
    for (const v of variants) probes[v.label] = (await probe(emu, v.spec)).calls;
    const m = await measureAll(ctx, variants);
    const g = m.gateway;
    const p = m.proxy;
    const toProxy = pairedRatio(g, p, cpuOf);
    const peer = pairedRatio(m.apollo, g, cpuOf);
    const proxySaturated = (p?.cpu_util.server ?? 0) >= 0.9;
    const result = {
      query: OVERHEAD_QUERY,
      job_id: jobId,
      /** Gateway CPU per request ÷ proxy CPU per request (median, min, max of per-round ratios). */
      cpu_ratio_to_proxy: toProxy,
      target_cpu_ratio_to_proxy: TARGET_CPU_RATIO_TO_PROXY,
      cpu_ratio_to_proxy_verdict: verdict(toProxy, TARGET_CPU_RATIO_TO_PROXY),
      /** Apollo CPU per request ÷ gateway CPU per request: how much less the gateway uses than the peer. */
      peer_cpu_ratio: peer,
      naive_cpu_ratio: pairedRatio(m.naive, g, cpuOf),
      baseline_cpu_ratio: m.baseline ? pairedRatio(g, m.baseline, cpuOf) : undefined,
      gateway_cpu_ms_per_req: g?.cpu_ms_per_req,
      apollo_cpu_ms_per_req: m.apollo?.cpu_ms_per_req,
      proxy_cpu_ms_per_req: p?.cpu_ms_per_req,
      gateway_rps: g?.rps,
      apollo_rps: m.apollo?.rps,
      proxy_rps: p?.rps,
      direct_rps: m.direct?.rps,
      naive_rps: m.naive?.rps,
      /** req/s ratio to the proxy: bounded by whichever process saturates first on two cores. */
      rps_ratio_to_proxy: ratio(g?.rps, p?.rps),
      proxy_saturated_its_core: proxySaturated,
      gateway_p50_ms: g?.p50_ms,
      gateway_p99_ms: g?.p99_ms,
      upstream_calls_per_request: probes,
      variants: m,
    };
    printVariants(ctx, 'overhead: one job by id (CPU ms per request of the server process, median [min-max])', m);
    ctx.print(
      `  gateway ÷ proxy CPU per request: ${fmtSpread(toProxy, '×')} (target ≤ ${TARGET_CPU_RATIO_TO_PROXY}×: ${result.cpu_ratio_to_proxy_verdict})`,
    );
    ctx.print(`  apollo ÷ gateway CPU per request (peer): ${fmtSpread(peer, '×')}`);
    const vsBaseline = pairedRatio(g, m.baseline, cpuOf);
    if (m.baseline)
      ctx.print(`  gateway ÷ baseline (${ctx.opts.baselineDist}) CPU per request: ${fmtSpread(vsBaseline, '×')}`);
    ctx.print(`  upstream calls per request: ${JSON.stringify(probes)}`);
    return result;
  } finally {
    await stopAll([...procs, emu]);
  }
}

export const scenarios: Scenario[] = [
  {
    name: 'overhead',
    summary: 'one job by id: gateway vs Apollo peer vs bare undici proxy vs emulator directly vs naive Yoga',
    defaultOrder: 10,
    needsLoadGen: true,
    run: overhead,
  },
];
