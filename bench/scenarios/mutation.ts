/** `mutation`: submitEvaluation on a COMPLETED job, with a fresh idempotency key per request and without. */
import { type Ctx, type Scenario, withGateway } from '../lib/context.js';
import { graphqlSpec, measureAll, printVariants, probe, type Variant } from '../lib/measure.js';

const SUBMIT_MUTATION = /* GraphQL */ `mutation Submit($jobId: ID!, $key: String) { submitEvaluation(input: { jobId: $jobId, benchmarks: [{ name: "mmlu", numSamples: 1000 }], idempotencyKey: $key }) { evaluation { id evaluationId status } userErrors { field message code } } }`;

async function mutation(ctx: Ctx) {
  return withGateway(ctx, null, async (emu, gateway) => {
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
    printVariants(ctx, 'mutation: submitEvaluation (CPU ms per request, median [min-max])', m);
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
  });
}

export const scenarios: Scenario[] = [
  {
    name: 'mutation',
    summary: 'submitEvaluation with a fresh idempotency key per request and without one',
    defaultOrder: 40,
    needsLoadGen: true,
    run: mutation,
  },
];
