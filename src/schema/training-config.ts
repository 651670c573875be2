/**
 * A training job's configuration, typed (the read side of `submitTrainingJob`'s input): the same
 * names and nesting as the input, so what a client submitted reads back in the same shape.
 */
import type { TrainingJobConfig } from '../coordinator/domain.js';
import { trainingJobConfigOf } from '../coordinator/wire.js';
import { builder } from './builder.js';
import { KeyValueRef, toKeyValues } from './common.js';
import { TrainingJobRef } from './training-job.js';

type Config = TrainingJobConfig;

const BaseModelRef = builder.objectRef<NonNullable<Config['baseModel']>>('BaseModel').implement({
  fields: (t) => ({
    modelId: t.exposeString('modelId', { nullable: true }),
    revision: t.exposeString('revision', { nullable: true }),
    source: t.exposeString('source', { nullable: true }),
    tokenizerId: t.exposeString('tokenizerId', { nullable: true }),
    dtype: t.exposeString('dtype', { nullable: true }),
    trustRemoteCode: t.exposeBoolean('trustRemoteCode', { nullable: true }),
  }),
});

type Distributed = NonNullable<NonNullable<Config['framework']>['distributed']>;

const DistributedRef = builder.objectRef<Distributed>('Distributed').implement({
  fields: (t) => ({
    worldSize: t.exposeInt('worldSize', { nullable: true }),
    backend: t.exposeString('backend', { nullable: true }),
    strategy: t.exposeString('strategy', { nullable: true }),
    config: t.field({ type: [KeyValueRef], resolve: (distributed) => toKeyValues(distributed.config) }),
  }),
});

const FrameworkRef = builder.objectRef<NonNullable<Config['framework']>>('Framework').implement({
  fields: (t) => ({
    type: t.exposeString('type', {
      nullable: true,
      description: 'HF_TRAINER, DEEPSPEED, FSDP, MEGATRON, CUSTOM (text: a newer coordinator may add more).',
    }),
    config: t.field({ type: [KeyValueRef], resolve: (framework) => toKeyValues(framework.config) }),
    distributed: t.field({ type: DistributedRef, nullable: true, resolve: (framework) => framework.distributed }),
    customScriptPath: t.exposeString('customScriptPath', { nullable: true }),
  }),
});

type Source = Config['data']['sources'][number];

const DataSourceRef = builder.objectRef<Source>('DataSource').implement({
  fields: (t) => ({
    path: t.exposeString('path'),
    type: t.exposeString('type', { nullable: true }),
    split: t.exposeString('split', { nullable: true }),
    format: t.exposeString('format', { nullable: true }),
  }),
});

const DataConfigRef = builder.objectRef<Config['data']>('DataConfig').implement({
  fields: (t) => ({
    sources: t.field({ type: [DataSourceRef], resolve: (data) => data.sources }),
    maxSeqLength: t.exposeInt('maxSeqLength', { nullable: true }),
    batchSize: t.exposeInt('batchSize', { nullable: true }),
    gradientAccumulationSteps: t.exposeInt('gradientAccumulationSteps', { nullable: true }),
    validationSplit: t.exposeFloat('validationSplit', { nullable: true }),
    seed: t.exposeInt('seed', { nullable: true }),
  }),
});

const ResourceConfigRef = builder.objectRef<Config['resources']>('ResourceConfig').implement({
  fields: (t) => ({
    gpuCount: t.exposeInt('gpuCount', { nullable: true }),
    gpuType: t.exposeString('gpuType', { nullable: true }),
    nodeCount: t.exposeInt('nodeCount', { nullable: true }),
  }),
});

const OutputConfigRef = builder.objectRef<NonNullable<Config['output']>>('OutputConfig').implement({
  fields: (t) => ({
    outputUri: t.exposeString('outputUri', { nullable: true }),
    checkpointEverySteps: t.exposeInt('checkpointEverySteps', { nullable: true }),
    keepCheckpoints: t.exposeInt('keepCheckpoints', { nullable: true }),
  }),
});

const SchedulingConfigRef = builder.objectRef<NonNullable<Config['scheduling']>>('SchedulingConfig').implement({
  fields: (t) => ({
    preemptible: t.exposeBoolean('preemptible', { nullable: true }),
    maxWaitSeconds: t.exposeInt('maxWaitSeconds', { nullable: true }),
  }),
});

const TrainingConfigRef = builder.objectRef<Config>('TrainingConfig').implement({
  description: 'How the job trains, as the coordinator reports it (null or empty where it did not say).',
  fields: (t) => ({
    trainingType: t.exposeString('trainingType', { nullable: true, description: 'SFT, LORA, QLORA, DPO, ...' }),
    baseModel: t.field({ type: BaseModelRef, nullable: true, resolve: (config) => config.baseModel }),
    framework: t.field({ type: FrameworkRef, nullable: true, resolve: (config) => config.framework }),
    hyperparameters: t.field({ type: [KeyValueRef], resolve: (config) => toKeyValues(config.hyperparameters) }),
    environment: t.field({ type: [KeyValueRef], resolve: (config) => toKeyValues(config.environment) }),
    resumeFromCheckpoint: t.exposeString('resumeFromCheckpoint', { nullable: true }),
    maxRetries: t.exposeInt('maxRetries', { nullable: true }),
    priority: t.exposeInt('priority', { nullable: true }),
  }),
});

const TrainingJobConfigurationRef = builder.objectRef<Config>('TrainingJobConfiguration').implement({
  description: 'Everything the job was submitted with, in the shape of `SubmitTrainingJobInput`.',
  fields: (t) => ({
    trainingConfig: t.field({ type: TrainingConfigRef, resolve: (config) => config }),
    dataConfig: t.field({ type: DataConfigRef, resolve: (config) => config.data }),
    resourceConfig: t.field({ type: ResourceConfigRef, resolve: (config) => config.resources }),
    outputConfig: t.field({ type: OutputConfigRef, nullable: true, resolve: (config) => config.output }),
    schedulingConfig: t.field({ type: SchedulingConfigRef, nullable: true, resolve: (config) => config.scheduling }),
  }),
});

builder.objectFields(TrainingJobRef, (t) => ({
  configuration: t.field({
    type: TrainingJobConfigurationRef,
    description: 'The typed configuration (training, data, resources, output, scheduling).',
    resolve: (job) => trainingJobConfigOf(job.raw),
  }),
  maxRetries: t.exposeInt('maxRetries', {
    nullable: true,
    description: 'Automatic re-queues allowed after preemption.',
  }),
  retryCount: t.int({
    nullable: true,
    description: 'Automatic re-queues spent so far.',
    resolve: (job) => trainingJobConfigOf(job.raw).retryCount,
  }),
}));
