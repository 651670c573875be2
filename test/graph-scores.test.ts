/**
 * Scores across checkpoints and metric history through the front door (`gateway.fetch` against the
 * emulator), with every upstream call counted: the bounds the schema docs state are the ones held.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { SEEDED } from '../src/emulator/seed.js';
import { call, jobNamed } from './support/emulator-http.js';
import { dataOf, useStack, withStack } from './support/stack.js';

const SCOREBOARD = /* GraphQL */ `
  query Scoreboard($id: ID!, $benchmarks: [String!]) {
    trainingJob(id: $id) {
      scoreboard(benchmarks: $benchmarks) {
        benchmarks
        complete
        rows { isFinalModel step checkpoint { checkpointId } scores { benchmark score evaluation { evaluationId } } }
      }
      checkpoints {
        checkpointId
        evaluations { evaluationId }
        mmlu: score(benchmark: "mmlu") { score evaluation { evaluationId } }
      }
    }
  }
`;

const SCORE_CHECKPOINTS = /* GraphQL */ `
  mutation Score($input: ScoreCheckpointsInput!) {
    scoreCheckpoints(input: $input) {
      userErrors { field message code }
      results {
        checkpointId
        checkpoint { step }
        evaluation { evaluationId checkpoint { checkpointId } benchmarks { name } }
        userErrors { field message code }
      }
    }
  }
`;

const HISTORY = /* GraphQL */ `
  query History($id: ID!, $names: [String!]!, $maxPoints: Int) {
    trainingJob(id: $id) {
      metricHistory(names: $names, maxPoints: $maxPoints) { name sourcePoints downsampled points { step value } }
    }
  }
`;

interface Row {
  isFinalModel: boolean;
  step: number | null;
  checkpoint: { checkpointId: string } | null;
  scores: Array<{ benchmark: string; score: number | null; evaluation: { evaluationId: string } | null }>;
}

const stack = useStack();
beforeEach(() => {
  stack.emulator.reset();
});

/** Runs a string document; the test states the shape it reads. */
// biome-ignore lint/suspicious/noExplicitAny: response shapes are asserted field by field
const run = async (document: string, variables: Record<string, unknown>): Promise<any> =>
  dataOf(await stack.run(document, variables));

const jobId = async (name: string) => (await jobNamed(stack.emulator, name)).job_id as string;

describe('scoreboard', () => {
  it('puts the latest completed score of each checkpoint and benchmark side by side, from one listing', async () => {
    const id = await jobId(SEEDED.trainingWithCheckpoints);
    stack.emulator.resetStats();
    const job = (await run(SCOREBOARD, { id, benchmarks: ['mmlu', 'gsm8k'] })).trainingJob as {
      scoreboard: { benchmarks: string[]; complete: boolean; rows: Row[] };
      checkpoints: Array<{
        checkpointId: string;
        evaluations: Array<{ evaluationId: string }>;
        mmlu: { score: number; evaluation: { evaluationId: string } } | null;
      }>;
    };
    const { scoreboard, checkpoints } = job;
    expect(scoreboard.benchmarks).toEqual(['mmlu', 'gsm8k']);
    expect(scoreboard.complete).toBe(true);
    // A running job: its checkpoints by step, no final model yet.
    expect(scoreboard.rows.map((row) => row.checkpoint?.checkpointId)).toEqual(checkpoints.map((c) => c.checkpointId));
    expect(scoreboard.rows.every((row) => !row.isFinalModel)).toBe(true);
    const [first, ...rest] = scoreboard.rows;
    expect(first?.scores[0]).toMatchObject({ benchmark: 'mmlu', score: expect.any(Number) });
    expect(first?.scores[1]).toEqual({ benchmark: 'gsm8k', score: null, evaluation: null });
    expect(rest.every((row) => row.scores.every((score) => score.score === null))).toBe(true);
    // Checkpoint.evaluations and Checkpoint.score agree with the board.
    expect(checkpoints[0]?.mmlu?.evaluation.evaluationId).toBe(first?.scores[0]?.evaluation?.evaluationId);
    expect(checkpoints[0]?.evaluations.map((e) => e.evaluationId)).toContain(
      first?.scores[0]?.evaluation?.evaluationId,
    );
    expect(checkpoints.slice(1).every((c) => c.mmlu === null && c.evaluations.length === 0)).toBe(true);
    // Board, every checkpoint's evaluations and scores: one listing call (a single page here).
    expect(stack.calls('GET /evaluations')).toBe(1);
    expect(stack.calls()).toBe(2);
  });

  it('has a final-model row once the job completed, and lists every benchmark when none are named', async () => {
    const id = await jobId(SEEDED.completedWithEvaluations);
    const board = ((await run(SCOREBOARD, { id })).trainingJob as { scoreboard: { benchmarks: string[]; rows: Row[] } })
      .scoreboard;
    expect(board.benchmarks).toEqual([...board.benchmarks].sort());
    expect(board.benchmarks).toEqual(expect.arrayContaining(['custom-acme-support', 'humaneval', 'mmlu']));
    const final = board.rows.at(-1);
    expect(final?.isFinalModel).toBe(true);
    expect(final?.checkpoint).toBeNull();
    expect(final?.scores.find((s) => s.benchmark === 'mmlu')?.score).toEqual(expect.any(Number));
  });

  it(`reads at most 5 pages of evaluations, and says when that was not all`, async () => {
    const job = await jobNamed(stack.emulator, SEEDED.completedWithEvaluations);
    const submissions = Array.from({ length: 501 }, () =>
      call(stack.emulator, 'POST', '/evaluations', {
        body: { job_id: job.job_id, model_uri: job.output_model_uri, benchmarks: [{ name: 'gsm8k' }] },
      }),
    );
    for (const reply of await Promise.all(submissions)) expect(reply.status).toBe(201);
    stack.emulator.resetStats();
    const board = (
      (await run(SCOREBOARD, { id: job.job_id, benchmarks: ['mmlu'] })).trainingJob as {
        scoreboard: { complete: boolean };
      }
    ).scoreboard;
    expect(board.complete).toBe(false);
    expect(stack.calls('GET /evaluations')).toBe(5);
  });
});

describe('scoreCheckpoints', () => {
  it('costs one per checkpoint it will submit (all of them, up to 20, when none are named), refused before any call', async () => {
    await withStack({ config: { maxCost: 1 } }, async (capped) => {
      const costOf = async (checkpointIds?: string[]) => {
        const input = { jobId: 'job_any', benchmarks: [{ name: 'mmlu' }], ...(checkpointIds ? { checkpointIds } : {}) };
        const response = await capped.run(SCORE_CHECKPOINTS, { input });
        expect(response.body.errors?.[0]?.extensions?.limit).toBe('cost');
        return (response.body.errors?.[0]?.extensions?.cost as { actual: number } | undefined)?.actual ?? Number.NaN;
      };
      const one = await costOf(['ckpt_1']);
      expect((await costOf(['ckpt_1', 'ckpt_2', 'ckpt_3'])) - one).toBe(2);
      expect((await costOf()) - one).toBe(19);
      expect(capped.calls()).toBe(0);
    });
  });

  it('submits one evaluation per checkpoint with all the benchmarks, and a retry submits nothing again', async () => {
    const id = await jobId(SEEDED.trainingWithCheckpoints);
    const input = { jobId: id, benchmarks: [{ name: 'mmlu', numSamples: 100 }, { name: 'gsm8k' }] };
    stack.emulator.resetStats();
    const first = (await run(SCORE_CHECKPOINTS, { input })).scoreCheckpoints as {
      userErrors: unknown[];
      results: Array<{
        checkpointId: string;
        evaluation: { evaluationId: string; checkpoint: { checkpointId: string }; benchmarks: Array<{ name: string }> };
        userErrors: unknown[];
      }>;
    };
    expect(first.userErrors).toEqual([]);
    expect(first.results.length).toBeGreaterThanOrEqual(2);
    for (const result of first.results) {
      expect(result.userErrors).toEqual([]);
      expect(result.evaluation.checkpoint.checkpointId).toBe(result.checkpointId);
      expect(result.evaluation.benchmarks.map((b) => b.name)).toEqual(['mmlu', 'gsm8k']);
    }
    expect(new Set(first.results.map((r) => r.evaluation.evaluationId)).size).toBe(first.results.length);
    expect(stack.calls('POST /evaluations')).toBe(first.results.length);

    const again = (await run(SCORE_CHECKPOINTS, { input })).scoreCheckpoints as typeof first;
    expect(again.results.map((r) => r.evaluation.evaluationId)).toEqual(
      first.results.map((r) => r.evaluation.evaluationId),
    );
    expect(stack.calls('POST /evaluations')).toBe(first.results.length);
  });

  it('reports an unknown checkpoint at its place in checkpointIds and still scores the others', async () => {
    const job = await jobNamed(stack.emulator, SEEDED.trainingWithCheckpoints);
    const known = job.checkpoints[0].checkpoint_id as string;
    const input = { jobId: job.job_id, checkpointIds: [known, 'ckpt_nope'], benchmarks: [{ name: 'mmlu' }] };
    const payload = (await run(SCORE_CHECKPOINTS, { input })).scoreCheckpoints as {
      results: Array<{
        evaluation: { evaluationId: string } | null;
        userErrors: Array<{ field: string[]; code: string }>;
      }>;
    };
    expect(payload.results[0]?.evaluation).not.toBeNull();
    expect(payload.results[1]?.evaluation).toBeNull();
    expect(payload.results[1]?.userErrors).toEqual([
      { field: ['input', 'checkpointIds', '1'], message: expect.any(String), code: 'BAD_USER_INPUT' },
    ]);
  });

  it('refuses a job without checkpoints with a userError, submitting nothing', async () => {
    const id = await jobId(SEEDED.queued);
    stack.emulator.resetStats();
    const payload = (await run(SCORE_CHECKPOINTS, { input: { jobId: id, benchmarks: [{ name: 'mmlu' }] } }))
      .scoreCheckpoints as { results: unknown[]; userErrors: Array<{ field: string[]; code: string }> };
    expect(payload.results).toEqual([]);
    expect(payload.userErrors).toEqual([
      { field: ['input', 'checkpointIds'], message: expect.any(String), code: 'BAD_USER_INPUT' },
    ]);
    expect(stack.calls('POST /evaluations')).toBe(0);
  });
});

describe('metricHistory', () => {
  type Series = {
    name: string;
    sourcePoints: number;
    downsampled: boolean;
    points: Array<{ step: number; value: number }>;
  };
  const history = async (id: string, maxPoints: number) =>
    ((await run(HISTORY, { id, names: ['loss', 'nope'], maxPoints })).trainingJob as { metricHistory: Series[] })
      .metricHistory;

  it('downsamples to maxPoints keeping first, last and the extremes, in at most 2 upstream calls', async () => {
    const id = await jobId(SEEDED.trainingWithCheckpoints);
    stack.emulator.resetStats();
    const [full, missing] = await history(id, 5000);
    expect(stack.calls('GET /jobs/{job_id}/metrics')).toBe(1);
    expect(stack.calls('GET /jobs/{job_id}/metrics/stream')).toBe(1);
    expect(stack.calls()).toBe(3); // the job itself, then the two the docs state
    expect(missing).toEqual({ name: 'nope', sourcePoints: 0, downsampled: false, points: [] });
    expect(full?.downsampled).toBe(false);
    const points = full?.points ?? [];
    expect(points.length).toBeGreaterThan(100);
    expect(points.map((p) => p.step)).toEqual([...new Set(points.map((p) => p.step))].sort((a, b) => a - b));

    const [small] = await history(id, 8);
    expect(small?.downsampled).toBe(true);
    expect(small?.sourcePoints).toBe(points.length);
    const kept = small?.points ?? [];
    expect(kept.length).toBeLessThanOrEqual(8);
    expect(kept[0]).toEqual(points[0]);
    expect(kept.at(-1)).toEqual(points.at(-1));
    const values = points.map((p) => p.value);
    expect(kept.map((p) => p.value)).toContain(Math.max(...values));
    expect(kept.map((p) => p.value)).toContain(Math.min(...values));
  });

  it('is empty before the job reports metrics, without reading the stream', async () => {
    const id = await jobId(SEEDED.queued);
    stack.emulator.resetStats();
    const series = await history(id, 100);
    expect(series.map((s) => s.points)).toEqual([[], []]);
    expect(stack.calls('GET /jobs/{job_id}/metrics')).toBe(1);
    expect(stack.calls('GET /jobs/{job_id}/metrics/stream')).toBe(0);
  });
});
