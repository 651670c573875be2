/** The runs list: filters, Relay paging, and live status for every run on screen. */
import { useEffect, useState } from 'preact/hooks';
import { load, subscribe } from './api';
import { JobStatus, type RunRowFragment, RunsPageDocument, RunUpdatedDocument } from './generated/graphql';
import { useLiveItems } from './live';
import { href, runHref } from './router';
import { ErrorBox, ProgressBar, StatusBadge, TableHead, Time } from './ui';

const PAGE_SIZE = 20;

/**
 * Where each status sits among the filters: lifecycle order (the schema's enum is alphabetical).
 * Typed over the generated enum, so a status the schema adds fails the build until it has a place;
 * UNKNOWN is not a coordinator status to ask for.
 */
const FILTER_ORDER: Record<Exclude<JobStatus, 'UNKNOWN'>, number> = {
  PENDING: 0,
  QUEUED: 1,
  SCHEDULING: 2,
  PREPARING: 3,
  TRAINING: 4,
  CHECKPOINTING: 5,
  EVALUATING: 6,
  EXPORTING: 7,
  PAUSED: 8,
  PREEMPTED: 9,
  COMPLETED: 10,
  FAILED: 11,
  CANCELLED: 12,
};

/** Filterable statuses: the schema's, in lifecycle order. */
export const STATUSES = Object.values(JobStatus)
  .filter((s): s is Exclude<JobStatus, 'UNKNOWN'> => s !== 'UNKNOWN')
  .sort((a, b) => FILTER_ORDER[a] - FILTER_ORDER[b]);

function parseStatuses(query: URLSearchParams): JobStatus[] {
  const wanted = (query.get('status') ?? '').split(',');
  return STATUSES.filter((s) => wanted.includes(s));
}

interface Label {
  key: string;
  value: string;
}

/** `label=team=support,project=x` in the address: runs must carry every one of them. */
function parseLabels(query: URLSearchParams): Label[] {
  return (query.get('label') ?? '')
    .split(',')
    .map((pair) => ({ key: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1) }))
    .filter((label) => label.key !== '');
}

const formatLabels = (labels: readonly Label[]) => labels.map((l) => `${l.key}=${l.value}`).join(',') || undefined;

interface Page {
  rows: RunRowFragment[];
  totalCount: number | null;
  hasNextPage: boolean;
  endCursor: string | null;
}

/**
 * Keeps each non-terminal row current through `trainingJobUpdated`: the gateway polls once per
 * run however many tabs watch it, and the subscription completes after a terminal status.
 */
function useLiveRows(rows: RunRowFragment[]): Map<string, RunRowFragment> {
  return useLiveItems(
    rows,
    (id, update) =>
      subscribe(RunUpdatedDocument, { id }, { next: (data) => update(data.trainingJobUpdated), error: () => {} }),
    true,
  );
}

/** Mounted with `key` = its filters, so a new filter starts again at page 1 with fresh cursors. */
export function RunsView({ query }: { query: URLSearchParams }) {
  const statuses = parseStatuses(query);
  const labels = parseLabels(query);
  const filterKey = `${statuses.join(',')}|${formatLabels(labels) ?? ''}`;
  // Cursors of the pages before this one: Relay paging is forward-only, so "previous" re-reads
  // the page after the cursor that led to it.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [reloads, setReloads] = useState(0);
  const after = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    setLoading(true);
    return load(
      RunsPageDocument,
      {
        first: PAGE_SIZE,
        after,
        filter:
          statuses.length || labels.length
            ? { ...(statuses.length ? { status: statuses } : {}), ...(labels.length ? { labels } : {}) }
            : null,
      },
      (data) => {
        const connection = data.trainingJobs;
        setPage({
          rows: connection?.edges.map((e) => e.node) ?? [],
          totalCount: connection?.totalCount ?? null,
          hasNextPage: connection?.pageInfo.hasNextPage ?? false,
          endCursor: connection?.pageInfo.endCursor ?? null,
        });
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        setError(failure);
        setLoading(false);
      },
    );
  }, [after, filterKey, reloads]);

  // The first paint of real rows, for the browser test's first-render figure (a user timing mark).
  useEffect(() => {
    if (page?.rows.length && !performance.getEntriesByName('runs-list-rendered').length) {
      performance.mark('runs-list-rendered');
    }
  }, [page]);

  const live = useLiveRows(page?.rows ?? []);
  const rows = (page?.rows ?? []).map((row) => live.get(row.id) ?? row);
  const first = (cursors.length - 1) * PAGE_SIZE + 1;

  const toggle = (status: JobStatus) => {
    const next = statuses.includes(status) ? statuses.filter((s) => s !== status) : [...statuses, status];
    location.hash = href('/', { status: next.join(',') || undefined, label: formatLabels(labels) });
  };
  const filterLabels = (next: readonly Label[]) => {
    location.hash = href('/', { status: statuses.join(',') || undefined, label: formatLabels(next) });
  };
  const addLabel = (label: Label) => {
    if (!labels.some((l) => l.key === label.key && l.value === label.value)) filterLabels([...labels, label]);
  };

  return (
    <div>
      <div class="toolbar">
        <h1>Training runs</h1>
        <a class="button" href="#/new">
          New training job
        </a>
      </div>
      <fieldset class="filters" aria-label="Filter by status">
        <legend class="muted small">Status</legend>
        {STATUSES.map((s) => (
          <button
            type="button"
            key={s}
            class={`chip ${statuses.includes(s) ? 'on' : ''}`}
            aria-pressed={statuses.includes(s)}
            onClick={() => toggle(s)}
          >
            {s.toLowerCase()}
          </button>
        ))}
        {statuses.length || labels.length ? (
          <a class="small" href="#/">
            clear
          </a>
        ) : null}
      </fieldset>
      <fieldset class="filters" aria-label="Filter by label">
        <legend class="muted small">Labels</legend>
        {labels.length ? (
          labels.map((l) => (
            <button
              type="button"
              key={`${l.key}=${l.value}`}
              class="chip on"
              aria-pressed
              title="Remove this label filter"
              onClick={() => filterLabels(labels.filter((other) => other !== l))}
            >
              {l.key}={l.value} ×
            </button>
          ))
        ) : (
          <span class="muted small">click a run's label to show only runs carrying it</span>
        )}
      </fieldset>
      {error ? <ErrorBox error={error} title="The runs could not be loaded" /> : null}
      <table class="runs" data-testid="runs" aria-busy={loading}>
        <TableHead columns={['Run', 'Status', { title: 'Progress', class: 'wide' }, 'Labels', 'Model', 'Updated']} />
        <tbody>
          {rows.map((run) => (
            <tr key={run.id} data-job-id={run.jobId} class={live.has(run.id) ? 'live' : ''}>
              <td>
                <a href={runHref(run.jobId)}>{run.name ?? run.jobId}</a>
                <div class="muted small mono">{run.jobId}</div>
              </td>
              <td>
                <StatusBadge status={run.status} raw={run.rawStatus} phase={run.phase} />
                {!run.isTerminal ? <span class="live-dot" title="Live: updates without a reload" /> : null}
              </td>
              <td>
                <ProgressBar progress={run.progress} />
              </td>
              <td>
                {run.labels.length ? (
                  <span class="labels">
                    {run.labels.map((l) => (
                      <button
                        type="button"
                        class="label"
                        key={l.key}
                        title="Show only runs with this label"
                        onClick={() => addLabel(l)}
                      >
                        {l.key}={l.value}
                      </button>
                    ))}
                  </span>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td class="small">
                {run.trainingType ?? '—'}
                <div class="muted">{run.baseModel ?? ''}</div>
              </td>
              <td class="small">
                <Time at={run.updatedAt ?? run.createdAt} />
              </td>
            </tr>
          ))}
          {page && !rows.length ? (
            <tr>
              <td colSpan={6} class="muted empty">
                No training runs{statuses.length || labels.length ? ' with these filters' : ''}.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length <= 1 || loading}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          ‹ Previous
        </button>
        <span class="muted" data-testid="page-range">
          {page && rows.length
            ? `${first}–${first + rows.length - 1}${page.totalCount != null ? ` of ${page.totalCount}` : ''}`
            : loading
              ? 'Loading…'
              : ''}
        </span>
        <button
          type="button"
          disabled={!page?.hasNextPage || loading}
          onClick={() => page?.endCursor && setCursors([...cursors, page.endCursor])}
        >
          Next ›
        </button>
        <button type="button" class="link" onClick={() => setReloads(reloads + 1)}>
          Refresh
        </button>
      </nav>
    </div>
  );
}
