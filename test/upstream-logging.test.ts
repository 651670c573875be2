/**
 * With the coordinator failing, an operator reading the log at `info` sees it: one line per route
 * and code per ten seconds (with how many were held back), naming the route template and the code,
 * never the caller's credential. The caller's own mistakes (404s) write nothing.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EMULATOR_KEYS, useStack } from './support/stack.js';

interface Line {
  level: string;
  msg: string;
  route?: string;
  code?: string;
  suppressed?: number;
  requestId?: string;
}

describe('coordinator failures in the log', () => {
  const stack = useStack({ client: { retry: { maxAttempts: 1 } }, deps: { now: () => now } });
  let now = 1_000_000;
  const failures = () =>
    stack.logs.map((line) => JSON.parse(line) as Line).filter((line) => line.msg === 'coordinator call failed');

  beforeEach(() => {
    stack.emulator.clearFaults();
    stack.logs.length = 0;
  });

  it('writes one info line per route and code per interval, then says how many it held back', async () => {
    stack.emulator.setFaults([{ route: '*', kind: 'status', status: 503 }]);
    for (let i = 0; i < 5; i++) {
      const response = await stack.run('{ queue { depth } }', undefined, { token: EMULATOR_KEYS.viewer });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    }
    // Another route is another line.
    await stack.run('{ trainingJobs(first: 1) { edges { node { jobId } } } }', undefined, {
      token: EMULATOR_KEYS.viewer,
    });
    expect(failures()).toEqual([
      expect.objectContaining({ level: 'info', route: 'GET /queue', code: 'UNAVAILABLE', suppressed: 0 }),
      expect.objectContaining({ level: 'info', route: 'GET /jobs', code: 'UNAVAILABLE', suppressed: 0 }),
    ]);
    expect(failures()[0]?.requestId).toEqual(expect.any(String));

    now += 10_000;
    await stack.run('{ queue { depth } }', undefined, { token: EMULATOR_KEYS.viewer });
    expect(failures().at(-1)).toMatchObject({ route: 'GET /queue', code: 'UNAVAILABLE', suppressed: 4 });
    expect(stack.logs.join('\n')).not.toContain(EMULATOR_KEYS.viewer);
  });

  it('stays quiet about what the caller got wrong', async () => {
    const response = await stack.run('{ trainingJob(id: "job_doesnotexist") { name } }');
    expect(response.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(failures()).toEqual([]);
  });
});
