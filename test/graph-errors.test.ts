import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { EMULATOR_KEYS, useStack } from './support/stack.js';

const Job = graphql(`
  query ErrJob($id: ID!) {
    trainingJob(id: $id) { jobId name }
  }
`);

const List = graphql(`
  query ErrList {
    trainingJobs(first: 3) { edges { node { jobId } } }
    queue { depth }
  }
`);

describe('error codes', () => {
  const stack = useStack({ config: { coordinatorTimeoutMs: 300 } });
  let jobId: string;

  beforeAll(async () => {
    const response = await fetch(`${stack.emulator.url}/jobs?page_size=1`, {
      headers: { authorization: `Bearer ${EMULATOR_KEYS.dev}` },
    });
    jobId = ((await response.json()) as { data: { jobs: Array<{ job_id: string }> } }).data.jobs[0]?.job_id ?? '';
  });
  beforeEach(() => {
    stack.emulator.clearFaults();
    stack.emulator.resetStats();
  });

  const codeOf = async (token?: string) => {
    const response = await stack.run(Job, { id: jobId }, token ? { token } : {});
    return response.body.errors?.[0]?.extensions ?? {};
  };

  it('maps an invalid token (401) to UNAUTHENTICATED', async () => {
    expect((await codeOf('sgk_not_a_real_key_00000000000000000000')).code).toBe('UNAUTHENTICATED');
  });

  it('maps a missing permission (403) to FORBIDDEN', async () => {
    const response = await stack.run(
      graphql(`
        mutation ErrCancel($id: ID!) { cancelTrainingJob(input: { id: $id }) { userErrors { code } } }
      `),
      { id: jobId },
      { token: EMULATOR_KEYS.viewer },
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('maps 404 to NOT_FOUND and keeps the upstream request id', async () => {
    const response = await stack.run(Job, { id: 'job_00000000' });
    const extensions = response.body.errors?.[0]?.extensions ?? {};
    expect(extensions.code).toBe('NOT_FOUND');
    expect(extensions.upstreamRequestId).toEqual(expect.any(String));
    expect(extensions.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('maps 429 to RATE_LIMITED with retryAfter', async () => {
    stack.emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 429, retryAfter: 30 }]);
    const extensions = await codeOf();
    expect(extensions.code).toBe('RATE_LIMITED');
    expect(extensions.retryAfter).toBe(30);
  });

  it('maps a persistent 503 to UPSTREAM_UNAVAILABLE after bounded GET retries', async () => {
    stack.emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 503 }]);
    expect((await codeOf()).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(stack.calls('GET /jobs/{job_id}')).toBe(3);
  });

  it('recovers transparently when one 503 is followed by success', async () => {
    stack.emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 503, count: 1 }]);
    const response = await stack.run(Job, { id: jobId });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.trainingJob?.jobId).toBe(jobId);
  });

  it('maps a hung coordinator to UPSTREAM_TIMEOUT within the timeout budget', async () => {
    stack.emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'hang' }]);
    const started = Date.now();
    expect((await codeOf()).code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3 * 300 + 1_000);
  });

  it('maps a malformed body to UPSTREAM_UNAVAILABLE without leaking it', async () => {
    stack.emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'malformed' }]);
    const response = await stack.run(Job, { id: jobId });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(JSON.stringify(response.body)).not.toMatch(/stack|at .*\.ts/);
  });

  it('masks a coordinator 500 as INTERNAL_SERVER_ERROR, logged with the request id', async () => {
    stack.emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 500 }]);
    const response = await stack.run(Job, { id: jobId }, { headers: { 'x-request-id': 'req-500-test' } });
    const error = response.body.errors?.[0];
    expect(error?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error?.extensions?.requestId).toBe('req-500-test');
    expect(response.headers.get('x-request-id')).toBe('req-500-test');
    const logged = stack.logs.map((line) => JSON.parse(line)).filter((record) => record.requestId === 'req-500-test');
    expect(logged.some((record) => record.level === 'error')).toBe(true);
  });

  it('resolves what it can when one root field fails (partial data)', async () => {
    stack.emulator.setFaults([{ route: 'GET /queue', kind: 'status', status: 503 }]);
    const response = await stack.run(List);
    expect(response.body.data?.trainingJobs?.edges).toHaveLength(3);
    expect(response.body.data?.queue).toBeNull();
    expect(response.body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['queue'], 'UPSTREAM_UNAVAILABLE'],
    ]);
  });

  it('never puts the caller’s token into errors or logs', async () => {
    stack.emulator.setFaults([{ route: 'GET /jobs/{job_id}', kind: 'status', status: 500 }]);
    const response = await stack.run(Job, { id: jobId }, { token: EMULATOR_KEYS.dev });
    await stack.run(Job, { id: jobId }, { token: 'sgk_invalid_but_secret_0000000000000000' });
    expect(JSON.stringify(response.body)).not.toContain(EMULATOR_KEYS.dev);
    const logs = stack.logs.join('\n');
    expect(logs).not.toContain(EMULATOR_KEYS.dev);
    expect(logs).not.toContain('sgk_invalid_but_secret');
  });
});

describe('with a real coordinator (no default credential)', () => {
  const stack = useStack({ defaultCredential: null });

  it('answers a request without a token with UNAUTHENTICATED and no upstream call', async () => {
    stack.emulator.resetStats();
    const response = await stack.run(List);
    expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expect(stack.calls()).toBe(0);
  });

  it('still serves introspection without a token (GraphiQL loads the schema)', async () => {
    const response = await stack.run('{ __schema { queryType { name } } }');
    expect(response.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
