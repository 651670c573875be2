/**
 * Idempotency keys: one scope per credential however its scheme is spelled, and a bounded key.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_KEYS, useStack } from './support/stack.js';

const SUBMIT = `mutation($input: SubmitEvaluationInput!) {
  submitEvaluation(input: $input) { evaluation { evaluationId } userErrors { field code } }
}`;

interface Submitted {
  submitEvaluation: {
    evaluation: { evaluationId: string } | null;
    userErrors: Array<{ field: string[]; code: string }>;
  };
}

describe('idempotency keys', () => {
  const stack = useStack({ defaultCredential: null });
  let jobId: string;
  beforeAll(async () => {
    const reply = await fetch(`${stack.emulator.url}/jobs?status=completed&page_size=1`, {
      headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    });
    jobId = ((await reply.json()) as { data: { jobs: Array<{ job_id: string }> } }).data.jobs[0]?.job_id as string;
  });

  const submit = (authorization: string, idempotencyKey: string) =>
    stack.run<Submitted, Record<string, unknown>>(
      SUBMIT,
      { input: { jobId, benchmarks: [{ name: 'arc' }], idempotencyKey } },
      { headers: { authorization } },
    );

  it('scopes a key to the credential, not to how its auth scheme is spelled', async () => {
    stack.emulator.resetStats();
    const a = await submit(`Bearer ${EMULATOR_KEYS.dev}`, 'scheme-1');
    const b = await submit(`bearer ${EMULATOR_KEYS.dev}`, 'scheme-1');
    const c = await submit(`BEARER   ${EMULATOR_KEYS.dev}`, 'scheme-1');
    const ids = [a, b, c].map((response) => response.body.data?.submitEvaluation.evaluation?.evaluationId);
    expect(ids[0]).toEqual(expect.any(String));
    expect(new Set(ids).size).toBe(1);
    expect(stack.calls('POST /evaluations')).toBe(1);
  });

  it('refuses a key longer than 128 characters without submitting', async () => {
    stack.emulator.resetStats();
    const response = await submit(`Bearer ${EMULATOR_KEYS.dev}`, 'k'.repeat(129));
    expect(response.body.data?.submitEvaluation).toEqual({
      evaluation: null,
      userErrors: [{ field: ['input', 'idempotencyKey'], code: 'BAD_USER_INPUT' }],
    });
    expect(stack.calls('POST /evaluations')).toBe(0);
  });
});
