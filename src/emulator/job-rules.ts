import { GPU_TYPES } from './cluster.js';
import { ApiError, type FieldDetail } from './errors.js';
import { isObject } from './validation.js';

/**
 * The coordinator's own rules for `POST /jobs`, checked after the schema (422: a missing name or
 * config, a CUSTOM framework without its script, a non-string map value) passed: each breach is
 * the documented 400 INVALID_ARGUMENT. The first one found is reported, named in the
 * message (as the docs say a 400 does) and, for the gateway's convenience, in `details` too.
 */

/** Which training types each framework runs. The docs only say such a mismatch is a 400; this table is ours. */
export const FRAMEWORK_TRAINING_TYPES: Readonly<Record<string, readonly string[]>> = {
  HF_TRAINER: ['SFT', 'LORA', 'QLORA', 'DPO', 'RLHF', 'FULL_FINETUNE'],
  DEEPSPEED: ['SFT', 'LORA', 'DPO', 'RLHF', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'],
  FSDP: ['SFT', 'LORA', 'QLORA', 'DPO', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'],
  MEGATRON: ['SFT', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'],
  CUSTOM: ['SFT', 'LORA', 'QLORA', 'DPO', 'RLHF', 'CONTINUED_PRETRAIN', 'FULL_FINETUNE'],
};

/** Hyperparameter keys the emulated trainers understand; anything else is the documented 400. */
export const KNOWN_HYPERPARAMETERS: ReadonlySet<string> = new Set([
  'learning_rate',
  'num_epochs',
  'max_steps',
  'per_device_batch_size',
  'warmup_steps',
  'warmup_ratio',
  'weight_decay',
  'lr_scheduler',
  'max_grad_norm',
  'optimizer',
  'gradient_checkpointing',
  'bf16',
  'fp16',
  'lora_r',
  'lora_alpha',
  'lora_dropout',
  'lora_target_modules',
  'beta',
  'kl_coef',
  'save_steps',
  'eval_steps',
  'logging_steps',
]);

/** A model id the emulated hub resolves: `org/name`, and not under the `missing/` org tests use. */
function modelProblem(modelId: string): string | null {
  if (modelId.trim() === '') return 'must not be empty';
  if (!/^[\w.-]+\/[\w.-]+$/.test(modelId)) return `cannot resolve model "${modelId}"; expected <org>/<name>`;
  if (modelId.startsWith('missing/')) return `model "${modelId}" not found`;
  return null;
}

function invalid(field: string, message: string): ApiError {
  const details: FieldDetail[] = [{ field, message }];
  return new ApiError('INVALID_ARGUMENT', `${field}: ${message}`, { details });
}

/** Throws the first documented 400 the body breaks; the body already passed the schema checks. */
export function checkJobRules(body: Record<string, unknown>): void {
  const training = isObject(body.training_config) ? body.training_config : {};
  const model = training.base_model;
  const modelId = typeof model === 'string' ? model : isObject(model) ? model.model_id : undefined;
  // A missing model is the schema's business (422); an empty or unknown one is the coordinator's.
  const problem = typeof modelId === 'string' ? modelProblem(modelId) : null;
  if (problem !== null) throw invalid('training_config.base_model.model_id', problem);

  const framework = training.framework;
  const frameworkType = isObject(framework) ? framework.type : framework;
  const trainingType = training.training_type;
  if (typeof frameworkType === 'string' && typeof trainingType === 'string') {
    const supported = FRAMEWORK_TRAINING_TYPES[frameworkType];
    if (supported !== undefined && !supported.includes(trainingType)) {
      throw invalid(
        'training_config.framework.type',
        `${frameworkType} does not support ${trainingType} training (it runs ${supported.join(', ')})`,
      );
    }
  }
  if (isObject(training.hyperparameters)) {
    for (const key of Object.keys(training.hyperparameters)) {
      if (!KNOWN_HYPERPARAMETERS.has(key)) {
        throw invalid(`training_config.hyperparameters.${key}`, `unknown hyperparameter "${key}"`);
      }
    }
  }

  const data = isObject(body.data_config) ? body.data_config : {};
  if (!Array.isArray(data.sources) || data.sources.length === 0) {
    throw invalid('data_config.sources', 'must name at least one data source');
  }

  const resources = isObject(body.resource_config) ? body.resource_config : {};
  if (resources.gpu_count === 0) throw invalid('resource_config.gpu_count', 'must be at least 1');
  const gpuType = resources.gpu_type;
  if (typeof gpuType === 'string' && !GPU_TYPES.has(gpuType)) {
    throw invalid(
      'resource_config.gpu_type',
      `no ${gpuType} GPUs in this cluster (it has ${[...GPU_TYPES].join(', ')})`,
    );
  }
}
