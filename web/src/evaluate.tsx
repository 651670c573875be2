/**
 * Evaluate a run or chosen checkpoints: benchmarks, custom datasets checked before submitting,
 * temperature pinned by default; the server's userErrors appear beside the fields they name, and
 * the submitted evaluations are followed live until their scores land.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { request } from './api';
import { checkEach, type DataCheck } from './data-check';
import {
  EvaluateTargetDocument,
  type EvaluateTargetQuery,
  type EvaluationRowFragment,
  SubmitEvaluationDocument,
  type SubmitEvaluationInput,
} from './generated/graphql';
import { runHref } from './router';
import { EvaluationsTable, useLiveEvaluations } from './run';
import { ErrorBox, StatusBadge } from './ui';

/**
 * The benchmark names the coordinator documents (the schema has no listing of them yet); any other
 * name can still be typed as a custom benchmark, and the coordinator has the last word.
 */
const KNOWN_BENCHMARKS = ['mmlu', 'humaneval', 'gsm8k', 'hellaswag', 'arc', 'truthfulqa'];
const FINAL = '';
let nextCustomKey = 1;

type Target = NonNullable<EvaluateTargetQuery['trainingJob']>;
type FieldErrors = Map<string, string[]>;

interface Custom {
  key: number;
  name: string;
  dataset: string;
  /** The precheck's verdict for `dataset` as it was checked. */
  check: { dataset: string; ok: boolean; message: string | null } | null;
}

/** A custom benchmark marked with its dataset's precheck. */
const withDatasetCheck = (c: Custom, check: DataCheck): Custom => ({ ...c, check: { dataset: c.dataset, ...check } });

interface Submitted {
  label: string;
  evaluation: EvaluationRowFragment | null;
  warnings: string[];
}

function addError(map: FieldErrors, key: string, message: string): void {
  map.set(key, [...(map.get(key) ?? []), message]);
}

function FieldError({ errors, name }: { errors: FieldErrors; name: string }) {
  const list = errors.get(name);
  if (!list?.length) return null;
  return (
    <div class="field-error" data-field-error={name}>
      {list.map((message, i) => (
        <div key={i}>{message}</div>
      ))}
    </div>
  );
}

function targetLabel(target: string): string {
  return target === FINAL ? 'final model' : `checkpoint ${target}`;
}

export function EvaluateView({ id, query }: { id: string; query: URLSearchParams }) {
  const [job, setJob] = useState<Target | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [targets, setTargets] = useState<string[]>([]);
  const [known, setKnown] = useState<Record<string, { on: boolean; samples: string }>>(() =>
    Object.fromEntries(KNOWN_BENCHMARKS.map((name) => [name, { on: name === 'mmlu', samples: '' }])),
  );
  const [customs, setCustoms] = useState<Custom[]>([]);
  const [pinned, setPinned] = useState(true);
  const [temperature, setTemperature] = useState('0.0');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>(new Map());
  const [failure, setFailure] = useState<unknown>(null);
  const [submitted, setSubmitted] = useState<Submitted[]>([]);
  // One key per form: a double submit or a retry after a lost reply creates nothing twice.
  const [idempotencyBase, setIdempotencyBase] = useState(() => crypto.randomUUID());

  useEffect(() => {
    request(EvaluateTargetDocument, { id }).then((data) => {
      const found = data.trainingJob;
      if (!found) {
        setLoadError(new Error(`No training run ${id} for your tenant.`));
        return;
      }
      setJob(found);
      const wanted = query.get('checkpoint');
      const latest = found.checkpoints.at(-1)?.checkpointId;
      setTargets(
        wanted && found.checkpoints.some((c) => c.checkpointId === wanted)
          ? [wanted]
          : found.status === 'COMPLETED' || !latest
            ? [FINAL]
            : [latest],
      );
    }, setLoadError);
  }, [id, query]);

  const live = useLiveEvaluations(
    useMemo(() => submitted.flatMap((s) => (s.evaluation ? [s.evaluation] : [])), [submitted]),
  );

  if (loadError) return <ErrorBox error={loadError} title="The run could not be loaded" />;
  if (!job) return <p class="muted">Loading…</p>;

  const checkDatasets = (list: Custom[]) =>
    checkEach(list, (c) => c.dataset, withDatasetCheck, setCustoms).catch(setFailure);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const fieldErrors: FieldErrors = new Map();
    // Which form field each submitted benchmark came from, to put its errors beside it.
    const rows: string[] = [];
    const benchmarks: SubmitEvaluationInput['benchmarks'] = [];
    const parameters = pinned ? [{ key: 'temperature', value: temperature }] : [];
    for (const name of KNOWN_BENCHMARKS) {
      const entry = known[name];
      if (!entry?.on) continue;
      const samples = entry.samples.trim() === '' ? null : Number(entry.samples);
      rows.push(`known:${name}`);
      benchmarks.push({ name, numSamples: samples, parameters });
    }
    for (const custom of customs) {
      rows.push(`custom:${custom.key}`);
      benchmarks.push({ name: custom.name.trim(), dataset: custom.dataset.trim() || null, parameters });
    }
    if (!targets.length) addError(fieldErrors, 'target', 'Choose the final model or at least one checkpoint.');
    const results: Submitted[] = [];
    for (const target of fieldErrors.size ? [] : targets) {
      const label = targetLabel(target);
      const prefix = targets.length > 1 ? `${label}: ` : '';
      try {
        const { submitEvaluation: payload } = await request(SubmitEvaluationDocument, {
          input: {
            jobId: job.id,
            checkpointId: target === FINAL ? null : target,
            benchmarks,
            idempotencyKey: `${idempotencyBase}:${target || 'final'}`,
          },
        });
        for (const e of payload.userErrors) {
          const [, where, index, part] = e.field ?? [];
          const key =
            where === 'benchmarks' && index !== undefined
              ? `${rows[Number(index)] ?? 'benchmarks'}:${part ?? 'name'}`
              : where === 'jobId' || where === 'checkpointId'
                ? 'target'
                : (where ?? 'form');
          addError(fieldErrors, key, `${prefix}${e.message}`);
        }
        if (payload.evaluation || payload.warnings.length) {
          results.push({
            label,
            evaluation: payload.evaluation ?? null,
            warnings: payload.warnings.map((w) => w.message),
          });
        }
      } catch (error) {
        setFailure(error);
        break;
      }
    }
    setErrors(fieldErrors);
    if (results.some((r) => r.evaluation)) setSubmitted((previous) => [...previous, ...results]);
    setBusy(false);
  };

  const toggleTarget = (target: string, on: boolean) =>
    setTargets((current) => (on ? [...current, target] : current.filter((t) => t !== target)));

  return (
    <div>
      <div class="toolbar">
        <div>
          <div class="small">
            <a href="#/">Runs</a> › <a href={runHref(job.jobId)}>{job.name ?? job.jobId}</a> ›
          </div>
          <h1>
            Evaluate {job.name ?? job.jobId} <StatusBadge status={job.status} raw={job.rawStatus} />
          </h1>
        </div>
      </div>
      <form class="form card" onSubmit={submit} data-testid="evaluate-form" noValidate>
        <fieldset class="field" data-field="target">
          <legend>Model to score</legend>
          <div class="row">
            <label class="inline">
              <input
                type="checkbox"
                checked={targets.includes(FINAL)}
                onChange={(e) => toggleTarget(FINAL, e.currentTarget.checked)}
              />{' '}
              final model{' '}
              {job.status !== 'COMPLETED' ? <span class="muted small">(once the run has COMPLETED)</span> : null}
            </label>
            {job.checkpoints.map((c) => (
              <label class="inline" key={c.checkpointId}>
                <input
                  type="checkbox"
                  checked={targets.includes(c.checkpointId)}
                  onChange={(e) => toggleTarget(c.checkpointId, e.currentTarget.checked)}
                />{' '}
                <span class="mono">{c.checkpointId}</span> <span class="muted small">step {c.step ?? '?'}</span>
              </label>
            ))}
          </div>
          <div class="muted small">One evaluation per chosen model, each on every benchmark below.</div>
          <FieldError errors={errors} name="target" />
        </fieldset>

        <fieldset class="field">
          <legend>Benchmarks</legend>
          <div class="benchmarks">
            {KNOWN_BENCHMARKS.map((name) => {
              const entry = known[name] ?? { on: false, samples: '' };
              return (
                <div class="row" key={name} data-field={`known:${name}`}>
                  <label class="inline bench-name">
                    <input
                      type="checkbox"
                      checked={entry.on}
                      onChange={(e) => setKnown({ ...known, [name]: { ...entry, on: e.currentTarget.checked } })}
                    />{' '}
                    <span class="mono">{name}</span>
                  </label>
                  <input
                    type="number"
                    min={1}
                    placeholder="samples (default)"
                    aria-label={`${name} samples`}
                    disabled={!entry.on}
                    value={entry.samples}
                    onInput={(e) => setKnown({ ...known, [name]: { ...entry, samples: e.currentTarget.value } })}
                  />
                  <FieldError errors={errors} name={`known:${name}:name`} />
                  <FieldError errors={errors} name={`known:${name}:numSamples`} />
                  <FieldError errors={errors} name={`known:${name}:parameters`} />
                </div>
              );
            })}
          </div>
          <FieldError errors={errors} name="benchmarks" />
        </fieldset>

        <fieldset class="field">
          <legend>Custom benchmarks</legend>
          {customs.map((custom, index) => {
            const checked = custom.check && custom.check.dataset === custom.dataset ? custom.check : null;
            const update = (patch: Partial<Custom>) =>
              setCustoms(customs.map((c, i) => (i === index ? { ...c, ...patch } : c)));
            return (
              <div class="custom" key={custom.key} data-field={`custom:${custom.key}`}>
                <div class="row">
                  <input
                    aria-label="custom benchmark name"
                    placeholder="custom-support"
                    value={custom.name}
                    class={errors.has(`custom:${custom.key}:name`) ? 'invalid' : ''}
                    onInput={(e) => update({ name: e.currentTarget.value })}
                  />
                  <input
                    aria-label="custom benchmark dataset"
                    class={`wide-input ${errors.has(`custom:${custom.key}:dataset`) || checked?.ok === false ? 'invalid' : ''}`}
                    placeholder="scaidrive://tenant/eval/testset.jsonl"
                    value={custom.dataset}
                    onInput={(e) => update({ dataset: e.currentTarget.value })}
                    onBlur={() => checkDatasets([custom])}
                  />
                  <button type="button" class="link" onClick={() => setCustoms(customs.filter((_, i) => i !== index))}>
                    remove
                  </button>
                </div>
                {checked ? (
                  <div class={checked.ok ? 'muted small' : 'field-error'} data-testid="dataset-check">
                    {checked.ok ? '✓ the coordinator can read this dataset' : `✗ ${checked.message ?? 'not readable'}`}
                  </div>
                ) : null}
                <FieldError errors={errors} name={`custom:${custom.key}:name`} />
                <FieldError errors={errors} name={`custom:${custom.key}:dataset`} />
                <FieldError errors={errors} name={`custom:${custom.key}:parameters`} />
              </div>
            );
          })}
          <button
            type="button"
            onClick={() =>
              setCustoms([...customs, { key: nextCustomKey++, name: 'custom-', dataset: '', check: null }])
            }
          >
            Add a custom benchmark
          </button>
          <div class="muted small">Names start with custom-; the dataset is checked with the coordinator first.</div>
        </fieldset>

        <fieldset class="field">
          <legend>Sampling</legend>
          <label class="inline">
            <input type="checkbox" checked={pinned} onChange={(e) => setPinned(e.currentTarget.checked)} /> pin
            temperature to{' '}
            <input
              class="narrow"
              aria-label="temperature"
              value={temperature}
              disabled={!pinned}
              onInput={(e) => setTemperature(e.currentTarget.value)}
            />
          </label>
          <div class="muted small">Pinned at 0.0 by default so scores are reproducible and comparable across runs.</div>
        </fieldset>
        <FieldError errors={errors} name="form" />
        {failure ? <ErrorBox error={failure} title="The evaluation was not submitted" /> : null}
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Submitting…' : 'Submit evaluation'}
          </button>
          {submitted.length ? (
            <button
              type="button"
              class="link"
              onClick={() => {
                setIdempotencyBase(crypto.randomUUID());
                setSubmitted([]);
                setErrors(new Map());
              }}
            >
              start over
            </button>
          ) : null}
        </div>
      </form>
      {submitted.length ? (
        <section class="card" data-testid="submitted">
          <header class="card-head">
            <h2>Submitted</h2>
            <a href={runHref(job.jobId)}>Back to the run</a>
          </header>
          {submitted.flatMap((s) =>
            s.warnings.map((w, i) => (
              <div class="field-warning" key={`${s.label}${i}`}>
                {s.label}: {w}
              </div>
            )),
          )}
          <EvaluationsTable evaluations={live} />
        </section>
      ) : null}
    </div>
  );
}
