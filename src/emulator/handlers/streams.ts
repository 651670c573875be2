/**
 * GET /jobs/{job_id}/logs and GET /jobs/{job_id}/metrics/stream: server-sent events as the
 * contract's Streams section fixes them.
 *
 * - Every event carries `id:`, a dense sequence per job and stream (1, 2, 3, ...). A reconnect with
 *   `Last-Event-ID` (or `?since=<id>`) resumes right after that id: the same events keep their ids.
 * - Logs start with the last `?tail=N` lines (default 100); metrics with the latest snapshot.
 * - `data: [DONE]` ends the stream once the job is terminal; `:` comments are heartbeats.
 * - A fault with `afterEvents` on a stream route lets that many events through, then strikes
 *   mid-stream: `reset` drops the connection, `status` sends `event: error` with the error object,
 *   `hang` goes silent (no heartbeats either), `malformed` sends a frame that is not JSON.
 *
 * Events are a pure function of the job's timeline (transitions, plus `emulator-stream-rate`
 * events per simulated second while TRAINING, default 1), kept in a per-job journal so that ids
 * stay stable across connections and timeline rewrites (cancel, pause, retry). The journal keeps
 * the latest JOURNAL_LIMIT events: an older `since` resumes at the oldest one kept.
 */
import type { ServerResponse } from 'node:http';
import { iso } from '../clock.js';
import type { StreamContext } from '../context.js';
import { invalidArgument } from '../errors.js';
import { jobStateAt } from '../job-lifecycle.js';
import type { JobRecord, Segment } from '../records.js';
import { metricsWire } from '../shapes.js';
import { TERMINAL } from '../vocabulary.js';
import { jobOr404 } from './jobs.js';

/** How often an open stream looks at the clock (real ms). */
const TICK_MS = 20;
const DEFAULT_TAIL = 100;
const MAX_TAIL = 10_000;
const JOURNAL_LIMIT = 10_000;
/** Job label: events per simulated second while TRAINING (logs and metrics alike). */
export const STREAM_RATE_LABEL = 'emulator-stream-rate';
const MAX_RATE = 1000;

type StreamKind = 'logs' | 'metrics';

interface Entry {
  id: number;
  data: unknown;
}

interface Journal {
  timeline: Segment[];
  /** Simulated time up to which the timeline has been turned into entries. */
  syncedTo: number;
  lastId: number;
  entries: Entry[];
}

/** Per job record (a reset emulator has new records, hence new journals). */
const journals: Record<StreamKind, WeakMap<JobRecord, Journal>> = { logs: new WeakMap(), metrics: new WeakMap() };

function rateOf(job: JobRecord): number {
  const rate = Number(job.labels[STREAM_RATE_LABEL] ?? '1');
  return Number.isFinite(rate) && rate > 0 ? Math.min(MAX_RATE, rate) : 1;
}

/** Simulated times in (from, to] of the TRAINING ticks of one segment, at most the last `limit`. */
function trainingTicks(segment: Segment, intervalMs: number, from: number, to: number, limit: number): number[] {
  if (segment.status !== 'TRAINING') return [];
  // Ticks sit at start + k·interval for k >= 1, strictly before the segment's end.
  const last = Math.floor((Math.min(to, segment.end - 1) - segment.start) / intervalMs);
  const first = Math.max(1, Math.floor((from - segment.start) / intervalMs) + 1, last - limit + 1);
  const times: number[] = [];
  for (let k = first; k <= last; k++) times.push(segment.start + k * intervalMs);
  return times;
}

function logLine(job: JobRecord, segment: Segment | null, at: number): Record<string, unknown> {
  if (segment !== null) {
    const level = segment.status === 'FAILED' ? 'ERROR' : segment.status === 'PREEMPTED' ? 'WARN' : 'INFO';
    return { ts: iso(at), level, message: `[${segment.status}] ${segment.message}`, step: segment.stepFrom };
  }
  const state = jobStateAt(job, at);
  const loss = (metricsWire(job, state).metrics as Record<string, number>).loss;
  return {
    ts: iso(at),
    level: 'INFO',
    message: `step ${state.step}/${job.plan.totalSteps} loss=${loss}`,
    step: state.step,
  };
}

function metricsSnapshot(job: JobRecord, at: number): Record<string, unknown> {
  const wire = metricsWire(job, jobStateAt(job, at));
  return { step: wire.step, recorded_at: wire.recorded_at, values: wire.metrics };
}

/** The events of `timeline` in (from, to], oldest first, at most the last `limit` per segment. */
function eventsBetween(job: JobRecord, kind: StreamKind, timeline: Segment[], from: number, to: number): unknown[] {
  const intervalMs = 1000 / rateOf(job);
  const out: unknown[] = [];
  for (const segment of timeline) {
    if (segment.start > to) break;
    if (kind === 'logs' && segment.start > from) out.push(logLine(job, segment, segment.start));
    for (const at of trainingTicks(segment, intervalMs, from, to, JOURNAL_LIMIT)) {
      out.push(kind === 'logs' ? logLine(job, null, at) : metricsSnapshot(job, at));
    }
  }
  return out;
}

/** Brings the job's journal up to `now` and returns it. */
function sync(job: JobRecord, kind: StreamKind, now: number): Journal {
  let journal = journals[kind].get(job);
  if (journal === undefined) {
    journal = { timeline: job.timeline, syncedTo: Number.NEGATIVE_INFINITY, lastId: 0, entries: [] };
    journals[kind].set(job, journal);
  }
  if (journal.timeline !== job.timeline) {
    // Rewritten at its first segment's start (cancel, pause, resume, retry): what the old timeline
    // printed stays; the new one's events count from its start, inclusive.
    journal.timeline = job.timeline;
    journal.syncedTo = Math.min(journal.syncedTo, (job.timeline[0]?.start ?? now) - 1);
  }
  if (now <= journal.syncedTo) return journal;
  for (const data of eventsBetween(job, kind, job.timeline, journal.syncedTo, now)) {
    journal.lastId += 1;
    journal.entries.push({ id: journal.lastId, data });
  }
  journal.syncedTo = now;
  if (journal.entries.length > JOURNAL_LIMIT) journal.entries.splice(0, journal.entries.length - JOURNAL_LIMIT);
  return journal;
}

function entriesAfter(journal: Journal, id: number): Entry[] {
  // Ids are dense, so the position follows from the first entry's id.
  const first = journal.entries[0]?.id ?? journal.lastId + 1;
  return journal.entries.slice(Math.max(0, id - first + 1));
}

function integerParam(value: string | null, name: string, max: number): number | null {
  if (value === null || value === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw invalidArgument(name, `${name} must be an integer from 0 to ${max}`);
  }
  return n;
}

function frame(kind: StreamKind, entry: Entry): string {
  return `id: ${entry.id}\nevent: ${kind === 'logs' ? 'log' : 'metrics'}\ndata: ${JSON.stringify(entry.data)}\n\n`;
}

function errorFrame(code: string, retryAfter: number | undefined): string {
  const error: Record<string, unknown> = { code, message: `Injected fault: ${code}` };
  if (retryAfter !== undefined) error.retry_after = retryAfter;
  return `event: error\ndata: ${JSON.stringify(error)}\n\n`;
}

/** Carries out a mid-stream fault: the stream is over, or silent for good. */
function strike(res: ServerResponse, fault: NonNullable<StreamContext['streamFault']>): void {
  switch (fault.kind) {
    case 'reset':
      // Once what was written has left: the client sees its events, then a dropped connection.
      res.write('', () => res.socket?.destroy());
      return;
    case 'status':
      res.end(errorFrame(fault.code, fault.retryAfter));
      return;
    case 'malformed':
      res.end('id: 999999999\nevent: log\ndata: {"ts": "2026-\n\n');
      return;
    case 'hang':
      return;
  }
}

function openStream(ctx: StreamContext, kind: StreamKind): void {
  const job = jobOr404(ctx, ctx.params.job_id ?? '');
  const header = ctx.lastEventId ?? null;
  const since = integerParam(header ?? ctx.query.get('since'), header === null ? 'since' : 'Last-Event-ID', 2 ** 53);
  const tail = integerParam(ctx.query.get('tail'), 'tail', MAX_TAIL) ?? DEFAULT_TAIL;
  const { res, live } = ctx;
  const journal = sync(job, kind, ctx.now);
  const backlog =
    since !== null
      ? entriesAfter(journal, since)
      : kind === 'metrics'
        ? journal.entries.slice(-1)
        : tail === 0
          ? []
          : journal.entries.slice(-tail);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  res.write(': connected\n\n');

  const fault = ctx.streamFault;
  let sent = 0;
  let silent = false;
  let lastId = Math.max(since ?? 0, journal.lastId);
  let lastWrite = Date.now();
  /** Writes entries; false once a fault took over the stream. */
  const send = (entries: Entry[]): boolean => {
    let text = '';
    for (const entry of entries) {
      if (fault !== undefined && sent >= fault.afterEvents) {
        res.write(text);
        silent = true;
        strike(res, fault);
        return false;
      }
      text += frame(kind, entry);
      sent += 1;
    }
    if (text) {
      res.write(text);
      lastWrite = Date.now();
    }
    return true;
  };
  const finishIfTerminal = (t: number): boolean => {
    if (!TERMINAL.has(jobStateAt(job, t).status)) return false;
    res.end('data: [DONE]\n\n');
    return true;
  };

  if (!send(backlog)) return;
  if (fault?.afterEvents === 0) {
    // Nothing to let through: strike at once rather than on the first live event.
    strike(res, fault);
    return;
  }
  if (finishIfTerminal(ctx.now)) return;
  const stop = live.every(TICK_MS, () => {
    if (silent) return;
    const t = live.now();
    const current = sync(job, kind, t);
    const fresh = entriesAfter(current, lastId);
    lastId = Math.max(lastId, current.lastId);
    if (!send(fresh)) {
      stop();
      return;
    }
    if (finishIfTerminal(t)) {
      stop();
      return;
    }
    if (Date.now() - lastWrite >= live.heartbeatMs) {
      res.write(':\n\n');
      lastWrite = Date.now();
    }
  });
  res.on('close', stop);
}

/** GET /jobs/{job_id}/logs */
export function streamLogs(ctx: StreamContext): void {
  openStream(ctx, 'logs');
}

/** GET /jobs/{job_id}/metrics/stream */
export function streamMetrics(ctx: StreamContext): void {
  openStream(ctx, 'metrics');
}
