/**
 * `overhead`: one job by id through the gateway, next to the bare undici proxy (the floor), the
 * emulator answering directly and the naive Yoga BFF.
 */

import { type Ctx, type Scenario, stopAll } from '../lib/context.js';
import { AUTH } from '../lib/emulator.js';
import { graphqlSpec, measureAll, probe, ratio, type Variant } from '../lib/measure.js';
import type { Proc } from '../lib/procs.js';

export const OVERHEAD_QUERY = /* GraphQL */ `query Overhead($id: ID!) { trainingJob(id: $id) { name status progress { fraction } } }`;

async function overhead(ctx: Ctx) {
  const emu = await ctx.startEmulator(0, null);
  let gateway: Proc | undefined;
  let proxy: Proc | undefined;
  let naive: Proc | undefined;
  try {
    [gateway, proxy, naive] = await Promise.all([ctx.startGateway(emu), ctx.startProxy(emu), ctx.startNaive(emu)]);
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

export const scenarios: Scenario[] = [
  {
    name: 'overhead',
    summary: 'one job by id: gateway vs bare undici proxy vs emulator directly vs naive Yoga',
    defaultOrder: 10,
    needsLoadGen: true,
    run: overhead,
  },
];
