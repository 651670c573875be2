/** Benchmark: one benchmark of an evaluation, its requested spec merged with its result. */
import type { BenchmarkResult } from '../coordinator/domain.js';
import { builder } from './builder.js';
import { JobStatusEnum, KeyValueRef, MetricRef, toKeyValues, toMetrics } from './common.js';

export const CUSTOM_PREFIX = 'custom-';

export const BenchmarkRef = builder.objectRef<BenchmarkResult>('Benchmark').implement({
  description: 'A benchmark of an evaluation: what was asked (name, dataset, samples, parameters) and its result.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'mmlu, humaneval, ... or custom-* with a dataset.' }),
    isCustom: t.boolean({ resolve: (benchmark) => benchmark.name.startsWith(CUSTOM_PREFIX) }),
    dataset: t.exposeString('dataset', { nullable: true }),
    numSamples: t.exposeInt('numSamples', { nullable: true }),
    parameters: t.field({ type: [KeyValueRef], resolve: (benchmark) => toKeyValues(benchmark.parameters) }),
    status: t.field({
      type: JobStatusEnum,
      nullable: true,
      description: 'Null until the coordinator reports on this benchmark.',
      resolve: (benchmark) => benchmark.status,
    }),
    score: t.exposeFloat('score', { nullable: true, description: 'The headline score, null until scored.' }),
    metrics: t.field({ type: [MetricRef], resolve: (benchmark) => toMetrics(benchmark.metrics) }),
    raw: t.field({ type: 'JSON', nullable: true, resolve: (benchmark) => benchmark.raw }),
  }),
});
