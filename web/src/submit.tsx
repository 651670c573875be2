/**
 * Submit a training job over `submitTrainingJob`: the common fields of the documented body, data
 * sources prechecked as they are typed, GPU types from the cluster, and the server's userErrors
 * beside the fields they name (any it names that the form lacks are listed at the bottom).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request } from './api';
import { checkEach, type DataCheck } from './data-check';
import {
  type FrameworkType,
  SubmitOptionsDocument,
  SubmitTrainingJobDocument,
  type SubmitTrainingJobMutation,
  type TrainingType,
} from './generated/graphql';
import { runHref } from './router';
import { ErrorBox } from './ui';

const TRAINING_TYPES: readonly TrainingType[] = [
  'SFT',
  'LORA',
  'QLORA',
  'DPO',
  'RLHF',
  'FULL_FINETUNE',
  'CONTINUED_PRETRAIN',
];
const FRAMEWORKS: readonly FrameworkType[] = ['HF_TRAINER', 'DEEPSPEED', 'FSDP', 'MEGATRON', 'CUSTOM'];

type Errors = Map<string, string[]>;
type Result = SubmitTrainingJobMutation['submitTrainingJob'];

interface Source {
  key: number;
  path: string;
  split: string;
  format: string;
  check: { path: string; ok: boolean; message: string | null } | null;
}

/** A data source marked with its precheck. */
const withPathCheck = (s: Source, check: DataCheck): Source => ({ ...s, check: { path: s.path, ...check } });

let nextKey = 1;
const newSource = (path = ''): Source => ({ key: nextKey++, path, split: 'train', format: 'jsonl', check: null });

/** `key=value` lines → entries; a line without `=` is reported against its field. */
function parseMap(text: string, field: string, errors: Errors): Array<{ key: string; value: string }> {
  const entries: Array<{ key: string; value: string }> = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) {
      errors.set(field, [...(errors.get(field) ?? []), `"${trimmed}" is not key=value.`]);
      continue;
    }
    entries.push({ key: trimmed.slice(0, at).trim(), value: trimmed.slice(at + 1).trim() });
  }
  return entries;
}

function optionalInt(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}

export function SubmitView() {
  const [name, setName] = useState('');
  const [trainingType, setTrainingType] = useState<TrainingType>('LORA');
  const [baseModel, setBaseModel] = useState('meta-llama/Llama-3.1-8B');
  const [framework, setFramework] = useState<FrameworkType>('HF_TRAINER');
  const [script, setScript] = useState('');
  const [hyperparameters, setHyperparameters] = useState('learning_rate=2e-4');
  const [priority, setPriority] = useState('5');
  const [maxRetries, setMaxRetries] = useState('2');
  const [sources, setSources] = useState<Source[]>([newSource()]);
  const [maxSeqLength, setMaxSeqLength] = useState('4096');
  const [batchSize, setBatchSize] = useState('16');
  const [validationSplit, setValidationSplit] = useState('0.05');
  const [gpuCount, setGpuCount] = useState('1');
  const [gpuType, setGpuType] = useState('');
  const [gpuTypes, setGpuTypes] = useState<
    Array<{ gpuType: string; available?: number | null; total?: number | null }>
  >([]);
  const [labels, setLabels] = useState('');
  const [errors, setErrors] = useState<Errors>(new Map());
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  useEffect(() => {
    request(SubmitOptionsDocument, {}).then(
      (data) => {
        const types = data.cluster?.gpuTypes ?? [];
        setGpuTypes(types);
        if (types[0]) setGpuType((current) => current || types[0]?.gpuType || '');
      },
      // Without the cluster's inventory the GPU type is typed freely; the server still checks it.
      () => {},
    );
  }, []);

  const checkSources = (list: Source[]) => checkEach(list, (s) => s.path, withPathCheck, setSources).catch(setFailure);

  // Each error is shown once, beside the first field whose path is it or a prefix of it (a
  // hyperparameter's error beside the hyperparameters); specific fields render before general ones.
  const used = new Set<string>();
  const fieldError = (path: string) => {
    const list = [...errors]
      .filter(([at]) => !used.has(at) && (at === path || at.startsWith(`${path}.`)))
      .flatMap(([at, messages]) => {
        used.add(at);
        return messages;
      });
    return list.length ? (
      <div class="field-error" data-field-error={path}>
        {list.map((m, i) => (
          <div key={i}>{m}</div>
        ))}
      </div>
    ) : null;
  };
  const field = (label: string, path: string, control: ComponentChildren, hint?: string) => (
    <div class="field" data-field={path}>
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is the child passed in */}
      <label>
        {label}
        <div>{control}</div>
      </label>
      {hint ? <div class="muted small">{hint}</div> : null}
      {fieldError(path)}
    </div>
  );

  /** A short free-text field (numbers are typed as text and checked by the server). */
  const narrowField = (label: string, path: string, value: string, set: (value: string) => void) =>
    field(label, path, <input class="narrow" value={value} onInput={(e) => set(e.currentTarget.value)} />);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    const found: Errors = new Map();
    const input = {
      name: name.trim(),
      idempotencyKey,
      labels: parseMap(labels, 'labels', found),
      trainingConfig: {
        trainingType,
        baseModel: { modelId: baseModel.trim() },
        framework: { type: framework, customScriptPath: framework === 'CUSTOM' ? script.trim() || null : null },
        hyperparameters: parseMap(hyperparameters, 'trainingConfig.hyperparameters', found),
        priority: optionalInt(priority),
        maxRetries: optionalInt(maxRetries),
      },
      dataConfig: {
        sources: sources.map((s) => ({
          path: s.path.trim(),
          split: s.split.trim() || null,
          format: s.format.trim() || null,
        })),
        maxSeqLength: optionalInt(maxSeqLength),
        batchSize: optionalInt(batchSize),
        validationSplit: validationSplit.trim() === '' ? null : Number(validationSplit),
      },
      resourceConfig: { gpuCount: Number(gpuCount || '0'), gpuType: gpuType.trim() || null },
    };
    if (found.size) {
      setErrors(found);
      return;
    }
    setBusy(true);
    try {
      const { submitTrainingJob: payload } = await request(SubmitTrainingJobDocument, { input });
      for (const e of payload.userErrors) {
        const path = (e.field ?? []).slice(1).join('.') || 'form';
        found.set(path, [...(found.get(path) ?? []), e.message]);
      }
      setErrors(found);
      setResult(payload.trainingJob ? payload : null);
      if (!payload.trainingJob && payload.warnings.length) {
        found.set('form', [...(found.get('form') ?? []), ...payload.warnings.map((w) => w.message)]);
      }
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  if (result?.trainingJob) {
    const job = result.trainingJob;
    return (
      <section class="card" data-testid="submitted-job">
        <h1>Submitted {job.name ?? job.jobId}</h1>
        <p>
          <span class="mono">{job.jobId}</span> is {job.status.toLowerCase()}
          {result.estimatedWaitSeconds != null
            ? `; the coordinator expects it to start in about ${Math.ceil(result.estimatedWaitSeconds / 60)} min`
            : ''}
          .
        </p>
        {result.warnings.map((w, i) => (
          <div class="field-warning" key={i}>
            {(w.field ?? []).slice(1).join('.')}: {w.message}
          </div>
        ))}
        <div class="row">
          <a class="button" href={runHref(job.jobId)}>
            Open the run
          </a>
          <button
            type="button"
            onClick={() => {
              setResult(null);
              setIdempotencyKey(crypto.randomUUID());
            }}
          >
            Submit another
          </button>
        </div>
      </section>
    );
  }

  const body = (
    <>
      <div class="grid">
        <div>
          <h2>Job</h2>
          {field(
            'Name',
            'name',
            <input value={name} class="wide-input" onInput={(e) => setName(e.currentTarget.value)} />,
          )}
          {field(
            'Training type',
            'trainingConfig.trainingType',
            <select value={trainingType} onChange={(e) => setTrainingType(e.currentTarget.value as TrainingType)}>
              {TRAINING_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>,
          )}
          {field(
            'Base model',
            'trainingConfig.baseModel.modelId',
            <input class="wide-input" value={baseModel} onInput={(e) => setBaseModel(e.currentTarget.value)} />,
          )}
          {field(
            'Framework',
            'trainingConfig.framework.type',
            <select value={framework} onChange={(e) => setFramework(e.currentTarget.value as FrameworkType)}>
              {FRAMEWORKS.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>,
          )}
          {framework === 'CUSTOM'
            ? field(
                'Training script',
                'trainingConfig.framework.customScriptPath',
                <input class="wide-input" value={script} onInput={(e) => setScript(e.currentTarget.value)} />,
              )
            : null}
          {field(
            'Hyperparameters',
            'trainingConfig.hyperparameters',
            <textarea rows={3} value={hyperparameters} onInput={(e) => setHyperparameters(e.currentTarget.value)} />,
            'One key=value per line; values are sent as strings, as the coordinator requires.',
          )}
          <div class="row">
            {narrowField('Priority (0-10)', 'trainingConfig.priority', priority, setPriority)}
            {narrowField('Retries after preemption', 'trainingConfig.maxRetries', maxRetries, setMaxRetries)}
          </div>
          {field(
            'Labels',
            'labels',
            <textarea
              rows={2}
              value={labels}
              placeholder="team=support"
              onInput={(e) => setLabels(e.currentTarget.value)}
            />,
            'One key=value per line.',
          )}
        </div>
        <div>
          <h2>Data</h2>
          {sources.map((source, index) => {
            const path = `dataConfig.sources.${index}.path`;
            const checked = source.check && source.check.path === source.path ? source.check : null;
            const update = (patch: Partial<Source>) =>
              setSources(sources.map((s, i) => (i === index ? { ...s, ...patch } : s)));
            return (
              <div class="field" key={source.key} data-field={path}>
                <div class="row">
                  <input
                    aria-label={`data source ${index + 1}`}
                    class={`wide-input ${errors.has(path) || checked?.ok === false ? 'invalid' : ''}`}
                    placeholder="scaidrive://tenant/data/train.jsonl"
                    value={source.path}
                    onInput={(e) => update({ path: e.currentTarget.value })}
                    onBlur={() => checkSources([source])}
                  />
                  <input
                    class="narrow"
                    aria-label="split"
                    value={source.split}
                    onInput={(e) => update({ split: e.currentTarget.value })}
                  />
                  <input
                    class="narrow"
                    aria-label="format"
                    value={source.format}
                    onInput={(e) => update({ format: e.currentTarget.value })}
                  />
                  {sources.length > 1 ? (
                    <button
                      type="button"
                      class="link"
                      onClick={() => setSources(sources.filter((_, i) => i !== index))}
                    >
                      remove
                    </button>
                  ) : null}
                </div>
                {checked ? (
                  <div class={checked.ok ? 'muted small' : 'field-error'} data-testid="source-check">
                    {checked.ok ? '✓ the coordinator can read this source' : `✗ ${checked.message ?? 'not readable'}`}
                  </div>
                ) : null}
                {fieldError(path)}
              </div>
            );
          })}
          <button type="button" onClick={() => setSources([...sources, newSource()])}>
            Add a data source
          </button>
          {fieldError('dataConfig.sources')}
          <div class="row">
            {narrowField('Sequence length', 'dataConfig.maxSeqLength', maxSeqLength, setMaxSeqLength)}
            {narrowField('Batch size', 'dataConfig.batchSize', batchSize, setBatchSize)}
            {field(
              'Validation split',
              'dataConfig.validationSplit',
              <input
                class="narrow"
                value={validationSplit}
                onInput={(e) => setValidationSplit(e.currentTarget.value)}
              />,
            )}
          </div>
          <h2>Resources</h2>
          <div class="row">
            {field(
              'GPUs',
              'resourceConfig.gpuCount',
              <input
                class="narrow"
                aria-label="GPU count"
                value={gpuCount}
                onInput={(e) => setGpuCount(e.currentTarget.value)}
              />,
            )}
            {field(
              'GPU type',
              'resourceConfig.gpuType',
              gpuTypes.length ? (
                <select value={gpuType} onChange={(e) => setGpuType(e.currentTarget.value)}>
                  {gpuTypes.map((t) => (
                    <option key={t.gpuType} value={t.gpuType}>
                      {t.gpuType}
                      {t.available != null && t.total != null ? ` (${t.available} of ${t.total} free)` : ''}
                    </option>
                  ))}
                </select>
              ) : (
                <input class="narrow" value={gpuType} onInput={(e) => setGpuType(e.currentTarget.value)} />
              ),
            )}
          </div>
        </div>
      </div>
    </>
  );
  // Errors for paths the form has no field for (nothing the server says is dropped).
  const rest = [...errors].filter(([path]) => !used.has(path));

  return (
    <div>
      <div class="toolbar">
        <h1>New training job</h1>
      </div>
      <form class="form card" onSubmit={submit} noValidate data-testid="submit-form">
        {body}
        {rest.length ? (
          <div class="error" role="alert" data-testid="other-errors">
            {rest.map(([path, list]) =>
              list.map((m, i) => <div key={`${path}${i}`}>{path === 'form' ? m : `${path}: ${m}`}</div>),
            )}
          </div>
        ) : null}
        {failure ? <ErrorBox error={failure} title="The job was not submitted" /> : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Submitting…' : 'Submit training job'}
        </button>
      </form>
    </div>
  );
}
