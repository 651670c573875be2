/** One run: live status and progress, configuration, metrics chart, checkpoints, evaluations, controls. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { load, request, subscribe } from './api';
import {
  CancelRunDocument,
  type EvaluationRowFragment,
  EvaluationUpdatedDocument,
  PauseRunDocument,
  ResumeRunDocument,
  RetryRunDocument,
  RunDocument,
  type RunLiveFragment,
  RunLiveUpdatedDocument,
  type RunQuery,
} from './generated/graphql';
import { useLiveItems } from './live';
import { href, runHref } from './router';
import { LogPanel, MetricsPanel, ScoreboardPanel } from './streams';
import { ErrorBox, Labels, ProgressBar, Section, StatusBadge, TableHead, Time } from './ui';

type RunData = NonNullable<RunQuery['trainingJob']>;
type UserError = { field?: string[] | null; message: string; code: string };

/**
 * The docs' rules for the controls, read off the schema's coarse phase: a running job can be
 * paused (unless it already is); a failed, cancelled or pre-empted one can be retried.
 */
const canPauseFrom = (run: RunLiveFragment) =>
  run.phase === 'RUNNING' && run.status !== 'PAUSED' && run.status !== 'UNKNOWN';
const canRetryFrom = (run: RunLiveFragment) =>
  run.phase === 'FAILED' || run.phase === 'CANCELLED' || run.status === 'PREEMPTED';

/** Follows each unfinished evaluation through `evaluationUpdated` until it ends. */
export function useLiveEvaluations(evaluations: EvaluationRowFragment[]): EvaluationRowFragment[] {
  const live = useLiveItems(evaluations, (id, update) =>
    subscribe(EvaluationUpdatedDocument, { id }, { next: (data) => update(data.evaluationUpdated), error: () => {} }),
  );
  return evaluations.map((e) => live.get(e.id) ?? e);
}

export function EvaluationsTable({ evaluations }: { evaluations: EvaluationRowFragment[] }) {
  if (!evaluations.length) return <p class="muted">No evaluations yet.</p>;
  return (
    <table data-testid="evaluations">
      <TableHead columns={['Evaluation', 'Model', 'Status', 'Scores', 'Created']} />
      <tbody>
        {evaluations.map((e) => (
          <tr key={e.id} data-evaluation-id={e.evaluationId}>
            <td class="mono">{e.evaluationId}</td>
            <td class="small">
              {e.checkpoint
                ? `checkpoint ${e.checkpoint.checkpointId} (step ${e.checkpoint.step ?? '?'})`
                : 'final model'}
            </td>
            <td>
              <StatusBadge status={e.status} raw={e.rawStatus} phase={e.phase} />
              {!e.isTerminal ? <span class="live-dot" title="Live" /> : null}
              {e.message ? <div class="muted small">{e.message}</div> : null}
            </td>
            <td class="small">
              {e.benchmarks.map((b) => (
                <div key={b.name} data-benchmark={b.name}>
                  <span class="mono">{b.name}</span>{' '}
                  {b.score != null ? (
                    <strong class="score">{b.score.toFixed(3)}</strong>
                  ) : (
                    <span class="muted">{b.status?.toLowerCase() ?? 'waiting'}</span>
                  )}
                </div>
              ))}
            </td>
            <td class="small">
              <Time at={e.createdAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Controls({ run, onChange }: { run: RunLiveFragment; onChange: (run: RunLiveFragment) => void }) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [saveCheckpoint, setSaveCheckpoint] = useState(true);
  const [fromCheckpoint, setFromCheckpoint] = useState('');
  const canPause = canPauseFrom(run);
  const canResume = run.status === 'PAUSED';
  const canRetry = canRetryFrom(run);
  const canCancel = !run.isTerminal;

  const act = async (
    action: () => Promise<{ trainingJob?: RunLiveFragment | null; userErrors: UserError[] }>,
  ): Promise<void> => {
    setBusy(true);
    setErrors([]);
    setFailure(null);
    try {
      const payload = await action();
      setErrors(payload.userErrors);
      if (payload.trainingJob) onChange(payload.trainingJob);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const checkpointId = fromCheckpoint || null;

  return (
    <div class="controls-box">
      <div class="controls">
        {canPause ? (
          <>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                act(
                  async () =>
                    (await request(PauseRunDocument, { input: { id: run.id, saveCheckpoint } })).pauseTrainingJob,
                )
              }
            >
              Pause
            </button>
            <label class="small">
              <input
                type="checkbox"
                checked={saveCheckpoint}
                onChange={(e) => setSaveCheckpoint(e.currentTarget.checked)}
              />{' '}
              save a checkpoint first
            </label>
          </>
        ) : null}
        {canResume || canRetry ? (
          <>
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={() =>
                act(async () =>
                  canResume
                    ? (await request(ResumeRunDocument, { input: { id: run.id, checkpointId } })).resumeTrainingJob
                    : (await request(RetryRunDocument, { input: { id: run.id, checkpointId } })).retryTrainingJob,
                )
              }
            >
              {canResume ? 'Resume' : 'Retry'}
            </button>
            <label class="small">
              from{' '}
              <select value={fromCheckpoint} onChange={(e) => setFromCheckpoint(e.currentTarget.value)}>
                <option value="">{canResume ? 'where it paused' : 'the coordinator’s default'}</option>
                {run.checkpoints.map((c) => (
                  <option key={c.checkpointId} value={c.checkpointId}>
                    {c.checkpointId} (step {c.step ?? '?'})
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : null}
        {canCancel ? (
          confirming ? (
            <span class="row">
              Cancel this run?
              <button
                type="button"
                class="danger"
                disabled={busy}
                onClick={() =>
                  act(async () => (await request(CancelRunDocument, { input: { id: run.id } })).cancelTrainingJob)
                }
              >
                Yes, cancel it
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                No
              </button>
            </span>
          ) : (
            <button type="button" class="danger" disabled={busy} onClick={() => setConfirming(true)}>
              Cancel run
            </button>
          )
        ) : null}
        <a class="button" href={href(`/runs/${encodeURIComponent(run.jobId)}/evaluate`)}>
          Evaluate
        </a>
      </div>
      {errors.length ? (
        <div class="error" role="alert" data-testid="user-errors">
          {errors.map((e, i) => (
            <div key={i}>
              <code class="code">{e.code}</code> {e.message}
            </div>
          ))}
        </div>
      ) : null}
      {failure ? <ErrorBox error={failure} /> : null}
    </div>
  );
}

function Configuration({ run }: { run: RunData }) {
  return (
    <dl class="kv" data-testid="configuration">
      <dt>Training type</dt>
      <dd>{run.trainingType ?? '—'}</dd>
      <dt>Base model</dt>
      <dd class="mono">{run.baseModel ?? '—'}</dd>
      <dt>Framework</dt>
      <dd>{run.framework ?? '—'}</dd>
      <dt>Priority</dt>
      <dd>{run.priority ?? '—'}</dd>
      <dt>Resources</dt>
      <dd>
        {run.resources.gpuCount ?? '?'} × {run.resources.gpuType ?? 'GPU'}
      </dd>
      <dt>Data</dt>
      <dd class="mono">{run.dataSources.length ? run.dataSources.map((s) => <div key={s}>{s}</div>) : '—'}</dd>
      <dt>Output model</dt>
      <dd class="mono">{run.outputModelUri ?? '—'}</dd>
      <dt>Labels</dt>
      <dd>
        <Labels labels={run.labels} />
      </dd>
    </dl>
  );
}

export function RunView({ id }: { id: string }) {
  const [run, setRun] = useState<RunData | null>(null);
  const [live, setLive] = useState<RunLiveFragment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [liveError, setLiveError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    return load(
      RunDocument,
      { id },
      (data) => {
        if (!data.trainingJob) setMissing(true);
        else setRun(data.trainingJob);
      },
      (failure: unknown) => setError(failure),
    );
  }, [id]);

  const shown: RunLiveFragment | null = live ?? run;
  const terminal = shown?.isTerminal ?? true;
  // Subscribes while the run can still change; a retry or resume makes it live again.
  useEffect(() => {
    if (!run || terminal) return;
    return subscribe(
      RunLiveUpdatedDocument,
      { id: run.id },
      {
        next: (data) => {
          setLive(data.trainingJobUpdated);
          setLiveError(null);
        },
        error: setLiveError,
      },
    );
  }, [run, terminal]);

  const evaluations = useLiveEvaluations(useMemo(() => run?.evaluations?.edges.map((e) => e.node) ?? [], [run]));

  // Read the scoreboard again whenever one of the run's evaluations finishes.
  const scoredVersion = evaluations
    .filter((e) => e.isTerminal)
    .map((e) => e.id)
    .join(',');

  if (error) return <ErrorBox error={error} title="The run could not be loaded" />;
  if (missing)
    return (
      <p>
        No training run {id} for your tenant. <a href="#/">Back to the runs</a>
      </p>
    );
  if (!run || !shown) return <p class="muted">Loading…</p>;

  return (
    <div data-testid="run">
      <div class="toolbar">
        <div>
          <div class="small">
            <a href="#/">Runs</a> ›
          </div>
          <h1>
            {shown.name ?? shown.jobId} <StatusBadge status={shown.status} raw={shown.rawStatus} phase={shown.phase} />
            {!terminal ? <span class="live-dot" title="Live: updates without a reload" /> : null}
          </h1>
          <div class="muted small mono">{shown.jobId}</div>
        </div>
        <Controls run={shown} onChange={(next) => setLive(next)} />
      </div>
      {liveError ? <ErrorBox error={liveError} title="Live updates stopped" /> : null}
      <div class="grid">
        <Section title="Progress">
          <ProgressBar progress={shown.progress} />
          <dl class="kv">
            <dt>Phase</dt>
            <dd>{shown.phase.toLowerCase()}</dd>
            {shown.queuePosition ? (
              <>
                <dt>Queue position</dt>
                <dd>{shown.queuePosition}</dd>
              </>
            ) : null}
            <dt>Created</dt>
            <dd>
              <Time at={shown.createdAt} />
            </dd>
            <dt>Started</dt>
            <dd>
              <Time at={shown.startedAt} />
            </dd>
            <dt>Completed</dt>
            <dd>
              <Time at={shown.completedAt} />
            </dd>
            <dt>Message</dt>
            <dd>{shown.message || '—'}</dd>
            <dt>Latest metrics</dt>
            <dd class="mono small">
              {shown.latestMetrics?.values.length
                ? shown.latestMetrics.values.map((m) => `${m.name}=${m.value}`).join('  ')
                : '—'}
            </dd>
          </dl>
        </Section>
        <Section title="Configuration">
          <Configuration run={run} />
          <details>
            <summary class="small">As the coordinator sent it</summary>
            <pre class="mono small raw">{JSON.stringify(run.raw, null, 2)}</pre>
          </details>
        </Section>
      </div>
      <MetricsPanel id={run.id} live={!terminal} />
      <LogPanel key={`${run.id}:${terminal}`} id={run.id} />
      <Section title={`Checkpoints (${shown.checkpoints.length})`}>
        {shown.checkpoints.length ? (
          <table data-testid="checkpoints">
            <TableHead columns={['Checkpoint', 'Step', 'Epoch', 'Saved', 'URI', '']} />
            <tbody>
              {shown.checkpoints.map((c) => (
                <tr key={c.checkpointId}>
                  <td class="mono">{c.checkpointId}</td>
                  <td>{c.step ?? '—'}</td>
                  <td>{c.epoch ?? '—'}</td>
                  <td class="small">
                    <Time at={c.createdAt} />
                  </td>
                  <td class="mono small">{c.uri ?? '—'}</td>
                  <td>
                    <a href={href(`/runs/${encodeURIComponent(shown.jobId)}/evaluate`, { checkpoint: c.checkpointId })}>
                      Evaluate
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">No checkpoints yet.</p>
        )}
      </Section>
      <Section
        title={`Evaluations (${run.evaluations?.totalCount ?? evaluations.length})`}
        actions={<a href={`${runHref(shown.jobId)}/evaluate`}>New evaluation</a>}
      >
        <EvaluationsTable evaluations={evaluations} />
      </Section>
      <ScoreboardPanel id={run.id} version={scoredVersion} />
    </div>
  );
}
