import type { Drift } from './drift.js';
import { type FieldDetail, validationError } from './errors.js';
import type { BenchmarkRecord, FrameworkRecord, JobRecord } from './records.js';
import { FRAMEWORKS, TRAINING_TYPES } from './vocabulary.js';

/**
 * Schema-level checks of request bodies: wrong types become one 422 VALIDATION_ERROR listing every
 * offending field (what the platform layer does before the coordinator sees the request).
 */
export class FieldErrors {
  readonly details: FieldDetail[] = [];

  add(field: string, message: string): void {
    this.details.push({ field, message });
  }

  throwIfAny(): void {
    if (this.details.length > 0) throw validationError(this.details);
  }
}

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A protobuf map<string, string>: every value must already be a string ("0.0", not 0.0). */
export function stringMap(value: unknown, field: string, errors: FieldErrors): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    errors.add(field, 'must be an object of string values');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else
      errors.add(
        `${field}.${key}`,
        `must be a string (got ${v === null ? 'null' : typeof v}); maps hold string values only`,
      );
  }
  return out;
}

export function optionalString(body: Json, key: string, errors: FieldErrors, field = key): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    errors.add(field, 'must be a string');
    return undefined;
  }
  return value;
}

function optionalInteger(body: Json, key: string, field: string, min: number, max: number, errors: FieldErrors) {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    errors.add(field, `must be an integer between ${min} and ${max}`);
    return undefined;
  }
  return value;
}

/** What a POST /jobs body contributes to a job record (the rest is the emulator's own). */
export type JobSubmission = Pick<
  JobRecord,
  | 'name'
  | 'labels'
  | 'trainingType'
  | 'framework'
  | 'baseModel'
  | 'priority'
  | 'hyperparameters'
  | 'environment'
  | 'dataSources'
  | 'gpuCount'
  | 'gpuType'
  | 'maxRetries'
> & { numEpochs: number | undefined };

/**
 * `training_config.framework` [doc]: `{type, config?, distributed?, custom_script_path?}`. A deployment
 * of the `string` drift variant also takes the bare enum name it sends itself.
 */
function parseFramework(value: unknown, errors: FieldErrors, drift: Drift): FrameworkRecord | undefined {
  const field = 'training_config.framework';
  if (value === undefined || value === null) return undefined;
  const known = (type: unknown): type is string =>
    typeof type === 'string' && (FRAMEWORKS as readonly string[]).includes(type);
  if (typeof value === 'string' && drift.framework === 'string') {
    if (known(value)) return { type: value, config: {} };
    errors.add(field, `must be one of ${FRAMEWORKS.join(', ')}`);
    return undefined;
  }
  if (!isObject(value)) {
    errors.add(field, 'must be an object {"type", "config"?, "distributed"?, "custom_script_path"?}');
    return undefined;
  }
  if (!known(value.type)) {
    errors.add(`${field}.type`, `must be one of ${FRAMEWORKS.join(', ')}`);
    return undefined;
  }
  const framework: FrameworkRecord = {
    type: value.type,
    config: stringMap(value.config, `${field}.config`, errors) ?? {},
  };
  const script = optionalString(value, 'custom_script_path', errors, `${field}.custom_script_path`);
  if (script) framework.customScriptPath = script;
  else if (value.type === 'CUSTOM') errors.add(`${field}.custom_script_path`, 'is required when type is CUSTOM');
  const distributed = value.distributed;
  if (distributed !== undefined && distributed !== null) {
    if (!isObject(distributed)) errors.add(`${field}.distributed`, 'must be an object');
    else {
      const at = `${field}.distributed`;
      framework.distributed = {
        worldSize: optionalInteger(distributed, 'world_size', `${at}.world_size`, 1, 100_000, errors) ?? 1,
        backend: optionalString(distributed, 'backend', errors, `${at}.backend`) ?? 'nccl',
        strategy: optionalString(distributed, 'strategy', errors, `${at}.strategy`) ?? '',
        config: stringMap(distributed.config, `${at}.config`, errors) ?? {},
      };
    }
  }
  return framework;
}

/**
 * POST /jobs: name required, training_type known, maps of strings; anything else is defaulted.
 * `priority` and `max_retries` belong in `training_config` [doc]; a deployment of the `top_level`
 * drift variant reads them at the top level instead, and each rejects the other placement (422), so
 * a client that puts them in the wrong place finds out instead of getting silent defaults.
 */
export function parseJobSubmission(body: Json, drift: Drift): JobSubmission {
  const errors = new FieldErrors();
  const name = body.name;
  if (typeof name !== 'string' || name.trim() === '') errors.add('name', 'is required');
  const labels = stringMap(body.labels, 'labels', errors) ?? {};
  const environment = stringMap(body.environment, 'environment', errors) ?? {};

  const training = body.training_config;
  let trainingType = '';
  let framework: FrameworkRecord = { type: 'HF_TRAINER', config: {} };
  let baseModel = 'meta-llama/Llama-3.1-8B';
  let priority = 5;
  let maxRetries = 2;
  let numEpochs: number | undefined;
  let hyperparameters: Record<string, string> = {};
  if (!isObject(training)) {
    errors.add('training_config.training_type', 'is required');
  } else {
    const type = training.training_type;
    if (typeof type !== 'string' || !(TRAINING_TYPES as readonly string[]).includes(type)) {
      errors.add('training_config.training_type', `must be one of ${TRAINING_TYPES.join(', ')}`);
    } else trainingType = type;
    framework = parseFramework(training.framework, errors, drift) ?? framework;
    const model = training.base_model;
    if (typeof model === 'string') baseModel = model;
    else if (isObject(model) && typeof model.model_id === 'string') baseModel = model.model_id;
    else if (model !== undefined && model !== null)
      errors.add('training_config.base_model.model_id', 'must be a string');
    const settings = drift.jobSettings === 'training_config' ? training : body;
    const prefix = drift.jobSettings === 'training_config' ? 'training_config.' : '';
    const misplaced = drift.jobSettings === 'training_config' ? body : training;
    for (const key of ['priority', 'max_retries']) {
      if (misplaced[key] !== undefined) {
        const at = misplaced === training ? `training_config.${key}` : key;
        errors.add(at, `belongs in ${prefix ? 'training_config' : 'the top level of the body'}`);
      }
    }
    priority = optionalInteger(settings, 'priority', `${prefix}priority`, 0, 10, errors) ?? priority;
    maxRetries = optionalInteger(settings, 'max_retries', `${prefix}max_retries`, 0, 10, errors) ?? maxRetries;
    numEpochs = optionalInteger(training, 'num_epochs', 'training_config.num_epochs', 1, 100, errors);
    hyperparameters = stringMap(training.hyperparameters, 'training_config.hyperparameters', errors) ?? hyperparameters;
  }

  const dataSources: string[] = [];
  const data = body.data_config;
  if (isObject(data) && Array.isArray(data.sources)) {
    data.sources.forEach((source, i) => {
      const path = isObject(source) ? source.path : source;
      if (typeof path === 'string') dataSources.push(path);
      else errors.add(`data_config.sources[${i}].path`, 'must be a string');
    });
  }
  const resource = isObject(body.resource_config) ? body.resource_config : {};
  // 0 passes the schema: the coordinator refuses it (400, the documented rule in job-rules.ts).
  const gpuCount = optionalInteger(resource, 'gpu_count', 'resource_config.gpu_count', 0, 1024, errors) ?? 8;
  const gpuType = optionalString(resource, 'gpu_type', errors, 'resource_config.gpu_type') ?? 'H100';
  errors.throwIfAny();
  return {
    name: (name as string).trim(),
    labels,
    trainingType,
    framework,
    baseModel,
    priority,
    numEpochs,
    hyperparameters,
    environment,
    dataSources,
    gpuCount,
    gpuType,
    maxRetries,
  };
}

export interface EvaluationSubmission {
  jobId: string;
  modelUri: string | undefined;
  checkpointId: string;
  /** Absent or not a list: reported by the coordinator check as an empty list (400 naming benchmarks). */
  benchmarks: BenchmarkRecord[];
}

/** POST /evaluations, schema level only; coordinator rules (404/400/409) are checked by the handler. */
export function parseEvaluationSubmission(body: Json): EvaluationSubmission {
  const errors = new FieldErrors();
  const jobId = body.job_id;
  if (typeof jobId !== 'string' || jobId === '') errors.add('job_id', 'is required');
  // Required by the docs; the emulator does not guess it from the job.
  const modelUri = optionalString(body, 'model_uri', errors);
  if (!modelUri) errors.add('model_uri', 'is required');
  const checkpointId = optionalString(body, 'checkpoint_id', errors) ?? '';
  const benchmarks: BenchmarkRecord[] = [];
  const list = body.benchmarks;
  if (list !== undefined && list !== null && !Array.isArray(list)) errors.add('benchmarks', 'must be a list');
  if (Array.isArray(list)) {
    list.forEach((raw, i) => {
      const field = `benchmarks[${i}]`;
      if (!isObject(raw)) {
        errors.add(field, 'must be an object');
        return;
      }
      const name = optionalString(raw, 'name', errors, `${field}.name`) ?? '';
      const dataset = optionalString(raw, 'dataset', errors, `${field}.dataset`);
      const numSamples = optionalInteger(raw, 'num_samples', `${field}.num_samples`, 1, 10_000_000, errors);
      const parameters = stringMap(raw.parameters, `${field}.parameters`, errors);
      const record: BenchmarkRecord = { name };
      if (dataset !== undefined && dataset !== '') record.dataset = dataset;
      if (numSamples !== undefined) record.numSamples = numSamples;
      if (parameters !== undefined) record.parameters = parameters;
      benchmarks.push(record);
    });
  }
  errors.throwIfAny();
  return { jobId: jobId as string, modelUri: modelUri || undefined, checkpointId, benchmarks };
}

/** Action bodies: `{reason?}`, `{save_checkpoint?}`, `{checkpoint_id?}`; wrong types are 422. */
export function parseActionBody(body: Json): { reason?: string; saveCheckpoint?: boolean; checkpointId?: string } {
  const errors = new FieldErrors();
  const reason = optionalString(body, 'reason', errors);
  const checkpointId = optionalString(body, 'checkpoint_id', errors);
  const save = body.save_checkpoint;
  if (save !== undefined && save !== null && typeof save !== 'boolean')
    errors.add('save_checkpoint', 'must be a boolean');
  errors.throwIfAny();
  const out: { reason?: string; saveCheckpoint?: boolean; checkpointId?: string } = {};
  if (reason !== undefined) out.reason = reason;
  if (checkpointId !== undefined && checkpointId !== '') out.checkpointId = checkpointId;
  if (typeof save === 'boolean') out.saveCheckpoint = save;
  return out;
}
