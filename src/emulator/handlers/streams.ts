import { iso } from '../clock.js';
import type { StreamContext } from '../context.js';
import { jobStateAt } from '../job-lifecycle.js';
import type { JobRecord } from '../records.js';
import { metricsWire } from '../shapes.js';
import { TERMINAL } from '../vocabulary.js';
import { jobOr404 } from './jobs.js';

/** How often an open stream looks at the clock, and how long it may stay silent before a heartbeat. */
const TICK_MS = 1_000;
const HEARTBEAT_MS = 10_000;
/** Log lines replayed when a client connects. */
const BACKLOG = 5;

/** Frame format (ours): `event: log|metrics\ndata: <json>\n\n`; comments (`: …`) are heartbeats. */
function frame(event: 'log' | 'metrics', data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

interface LogLine {
  timestamp: string;
  level: 'INFO' | 'WARN' | 'ERROR';
  status: string;
  step: number;
  message: string;
}

/** One line per lifecycle transition in (from, to], as a job runner would print them. */
function transitions(job: JobRecord, from: number, to: number): LogLine[] {
  const lines: LogLine[] = [];
  for (const segment of job.timeline) {
    if (segment.start <= from) continue;
    if (segment.start > to) break;
    lines.push({
      timestamp: iso(segment.start),
      level: segment.status === 'FAILED' ? 'ERROR' : segment.status === 'PREEMPTED' ? 'WARN' : 'INFO',
      status: segment.status,
      step: segment.stepFrom,
      message: `[${segment.status}] ${segment.message}`,
    });
  }
  return lines;
}

function stepLine(job: JobRecord, t: number): LogLine {
  const state = jobStateAt(job, t);
  const metrics = metricsWire(job, state).metrics as Record<string, number>;
  return {
    timestamp: iso(t),
    level: 'INFO',
    status: state.status,
    step: state.step,
    message: `step ${state.step}/${job.plan.totalSteps} loss=${metrics.loss ?? 'n/a'}`,
  };
}

/**
 * Opens the event stream, sends the backlog, then on each tick sends what changed; closes once
 * the job is terminal, heartbeats while nothing happens, and stops when the client leaves.
 */
function openStream(ctx: StreamContext, job: JobRecord, initial: string[], onTick: (t: number) => string[]): void {
  const { res, live } = ctx;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  res.write(initial.join(''));
  if (TERMINAL.has(jobStateAt(job, ctx.now).status)) {
    res.end();
    return;
  }
  let lastWrite = Date.now();
  const stop = live.every(TICK_MS, () => {
    const t = live.now();
    const frames = onTick(t);
    if (frames.length > 0) {
      res.write(frames.join(''));
      lastWrite = Date.now();
    } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
      res.write(': heartbeat\n\n');
      lastWrite = Date.now();
    }
    if (TERMINAL.has(jobStateAt(job, t).status)) {
      stop();
      res.end();
    }
  });
  res.on('close', stop);
}

/** GET /jobs/{job_id}/logs */
export function streamLogs(ctx: StreamContext): void {
  const job = jobOr404(ctx, ctx.params.job_id ?? '');
  const backlog = transitions(job, Number.NEGATIVE_INFINITY, ctx.now).slice(-BACKLOG);
  const first = jobStateAt(job, ctx.now);
  if (first.status === 'TRAINING') backlog.push(stepLine(job, ctx.now));
  let seen = ctx.now;
  let lastStep = first.step;
  openStream(
    ctx,
    job,
    backlog.map((line) => frame('log', line)),
    (t) => {
      const lines = transitions(job, seen, t);
      seen = t;
      const state = jobStateAt(job, t);
      if (state.status === 'TRAINING' && state.step !== lastStep) lines.push(stepLine(job, t));
      lastStep = state.step;
      return lines.map((line) => frame('log', line));
    },
  );
}

/** GET /jobs/{job_id}/metrics/stream */
export function streamMetrics(ctx: StreamContext): void {
  const job = jobOr404(ctx, ctx.params.job_id ?? '');
  let lastStep = jobStateAt(job, ctx.now).step;
  openStream(ctx, job, [frame('metrics', metricsWire(job, jobStateAt(job, ctx.now)))], (t) => {
    const state = jobStateAt(job, t);
    if (state.step === lastStep) return [];
    lastStep = state.step;
    return [frame('metrics', metricsWire(job, state))];
  });
}
