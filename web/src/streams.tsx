/** A run's live panels: the loss/learning-rate chart, the log tail, and the scoreboard chart. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { load, subscribe } from './api';
import { Chart } from './chart';
import {
  RunLogsDocument,
  type RunLogsSubscription,
  RunMetricHistoryDocument,
  RunMetricsDocument,
  RunScoreboardDocument,
  type RunScoreboardQuery,
} from './generated/graphql';
import { ErrorBox, Section } from './ui';

export const CHART_METRICS = ['loss', 'learning_rate'];
/** Points kept per chart; past this, every other old point goes (the live edge stays exact). */
const MAX_CHART_POINTS = 4000;
/** Log lines kept on screen; older ones scroll away for good. */
const MAX_LOG_LINES = 1000;

export interface MetricPoint {
  step: number;
  values: Record<string, number>;
}

/** Merges points by step (a later report of a step wins) and keeps them bounded and ordered. */
export function mergePoints(points: readonly MetricPoint[], added: readonly MetricPoint[]): MetricPoint[] {
  if (!added.length) return points as MetricPoint[];
  const byStep = new Map(points.map((p) => [p.step, p]));
  for (const point of added) {
    byStep.set(point.step, { step: point.step, values: { ...byStep.get(point.step)?.values, ...point.values } });
  }
  let merged = [...byStep.values()].sort((a, b) => a.step - b.step);
  while (merged.length > MAX_CHART_POINTS) {
    const half = merged.length >> 1;
    merged = [...merged.slice(0, half).filter((_, i) => i % 2 === 0), ...merged.slice(half)];
  }
  return merged;
}

function lrTick(value: number): string {
  return value === 0 ? '0' : value.toExponential(1).replace('e-', 'e−');
}

/**
 * Loss and learning rate by step: the history first (`metricHistory`, downsampled by the gateway
 * with spikes kept), then every snapshot of the metrics stream while the run goes on.
 */
export function MetricsPanel({ id, live }: { id: string; live: boolean }) {
  const [points, setPoints] = useState<MetricPoint[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    return load(
      RunMetricHistoryDocument,
      { id, names: CHART_METRICS },
      (data) => {
        const added: MetricPoint[] = [];
        for (const series of data.trainingJob?.metricHistory ?? []) {
          for (const point of series.points) added.push({ step: point.step, values: { [series.name]: point.value } });
          if (series.downsampled) setNote(`history downsampled from ${series.sourcePoints} points, spikes kept`);
        }
        setPoints((p) => mergePoints(p, added));
        setLoaded(true);
      },
      (failure: unknown) => {
        setError(failure);
        setLoaded(true);
      },
    );
  }, [id]);

  useEffect(() => {
    if (!live) return;
    return subscribe(
      RunMetricsDocument,
      { id, names: CHART_METRICS },
      {
        next: (data) => {
          const added = data.trainingJobMetrics.snapshots.flatMap((s) =>
            s.step == null
              ? []
              : [{ step: s.step, values: Object.fromEntries(s.values.map((m) => [m.name, m.value])) }],
          );
          setPoints((p) => mergePoints(p, added));
        },
        error: setError,
      },
    );
  }, [id, live]);

  return (
    <Section
      title="Loss and learning rate"
      actions={
        <span class="muted small" data-testid="chart-count">
          {points.length} points{note ? ` · ${note}` : ''}
          {live ? ' · live' : ''}
        </span>
      }
    >
      {error ? <ErrorBox error={error} title="Metrics" /> : null}
      {points.length ? (
        <Chart
          testId="metrics-chart"
          x={points.map((p) => p.step)}
          xLabel="step"
          lines={[
            { label: 'loss', scale: 'loss', color: '#3657d8', values: points.map((p) => p.values.loss ?? null) },
            {
              label: 'learning rate',
              scale: 'lr',
              color: '#d8893a',
              dash: [6, 4],
              values: points.map((p) => p.values.learning_rate ?? null),
            },
          ]}
          rightTicks={lrTick}
        />
      ) : (
        <p class="muted">{loaded ? 'No metrics reported yet.' : 'Loading the metric history…'}</p>
      )}
    </Section>
  );
}

type LogLine = RunLogsSubscription['trainingJobLogs']['lines'][number];
type LogEntry = { kind: 'line'; line: LogLine; key: string } | { kind: 'dropped'; count: number; key: string };

/** The log's last lines, then new ones as the run writes them; skipped lines are marked, not hidden. */
export function LogPanel({ id }: { id: string }) {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [ended, setEnded] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    let counter = 0;
    return subscribe(
      RunLogsDocument,
      { id, tail: 200 },
      {
        next: (data) => {
          const event = data.trainingJobLogs;
          const added: LogEntry[] = [];
          if (event.droppedLines > 0) added.push({ kind: 'dropped', count: event.droppedLines, key: `d${counter++}` });
          for (const line of event.lines) added.push({ kind: 'line', line, key: line.sequence ?? `l${counter++}` });
          setEntries((current) => [...current, ...added].slice(-MAX_LOG_LINES));
        },
        error: setError,
        complete: () => setEnded(true),
      },
    );
  }, [id]);

  // Stay at the bottom while the user has not scrolled up to read.
  useEffect(() => {
    const element = box.current;
    if (element && follow.current) element.scrollTop = element.scrollHeight;
  }, [entries]);

  const lines = entries.filter((e) => e.kind === 'line').length;
  return (
    <Section
      title="Log"
      actions={
        <span class="muted small" data-testid="log-count">
          {lines} lines{ended ? ' · ended' : ' · live'}
        </span>
      }
    >
      {error ? <ErrorBox error={error} title="Log stream" /> : null}
      <div
        class="log"
        ref={box}
        data-testid="log"
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
        }}
      >
        {entries.length === 0 ? <span class="muted">{ended ? 'No log lines.' : 'Waiting for log lines…'}</span> : null}
        {entries.map((entry) =>
          entry.kind === 'dropped' ? (
            <div class="dropped" key={entry.key}>
              … {entry.count} lines skipped (this page read too slowly)
            </div>
          ) : (
            <div key={entry.key} class={`level-${(entry.line.level ?? 'info').toLowerCase()}`}>
              {entry.line.timestamp ? <span class="ts">{entry.line.timestamp.slice(11, 19)} </span> : null}
              {entry.line.level ? <span class="lvl">{entry.line.level} </span> : null}
              {entry.line.message}
            </div>
          ),
        )}
      </div>
    </Section>
  );
}

type Scoreboard = NonNullable<NonNullable<RunScoreboardQuery['trainingJob']>['scoreboard']>;
const COLORS = ['#3657d8', '#1d8a4e', '#d8893a', '#b23bc2', '#c23b3b', '#2a9bb5', '#7a6a00', '#555'];

/**
 * Score per checkpoint per benchmark, with the evaluation behind each point. `version` changes
 * when one of the run's evaluations finishes, so the board is read again.
 */
export function ScoreboardPanel({ id, version }: { id: string; version: string }) {
  const [board, setBoard] = useState<Scoreboard | null>(null);
  const [error, setError] = useState<unknown>(null);

  // `version` is the reason to read again.
  useEffect(() => {
    return load(
      RunScoreboardDocument,
      { id },
      (data) => setBoard(data.trainingJob?.scoreboard ?? null),
      (failure: unknown) => setError(failure),
    );
  }, [id, version]);

  const rows = board?.rows ?? [];
  const names = rows.map((r) =>
    r.isFinalModel ? 'final' : (r.checkpoint?.checkpointId.replace(/^.*_/, 'ckpt ') ?? '?'),
  );
  const scored = rows.some((r) => r.scores.some((s) => s.score != null));
  return (
    <Section
      title="Scoreboard"
      actions={board && !board.complete ? <span class="muted small">newest 500 evaluations</span> : null}
    >
      {error ? <ErrorBox error={error} title="Scoreboard" /> : null}
      {board && scored ? (
        <>
          <Chart
            testId="scoreboard-chart"
            x={rows.map((_, i) => i)}
            xNames={names}
            xLabel="model"
            points
            height={220}
            lines={board.benchmarks.map((benchmark, i) => ({
              label: benchmark,
              scale: 'score',
              color: COLORS[i % COLORS.length] as string,
              values: rows.map((r) => r.scores.find((s) => s.benchmark === benchmark)?.score ?? null),
            }))}
          />
          <table data-testid="scoreboard">
            <thead>
              <tr>
                <th>Model</th>
                {board.benchmarks.map((b) => (
                  <th key={b}>{b}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={names[i]}>
                  <td class="small">
                    {row.isFinalModel ? 'final model' : <span class="mono">{row.checkpoint?.checkpointId}</span>}
                    {row.step != null ? <span class="muted"> · step {row.step}</span> : null}
                  </td>
                  {row.scores.map((s) => (
                    <td key={s.benchmark} class="small">
                      {s.score != null ? (
                        <strong class="score">{s.score.toFixed(3)}</strong>
                      ) : (
                        <span class="muted">—</span>
                      )}
                      {s.evaluation ? <div class="muted mono">{s.evaluation.evaluationId}</div> : null}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p class="muted">{board ? 'No scores yet: evaluate the final model or a checkpoint.' : 'Loading…'}</p>
      )}
    </Section>
  );
}
