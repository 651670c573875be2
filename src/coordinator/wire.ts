/**
 * Wire shapes of the coordinator's replies and the normalisers that turn them into domain types.
 *
 * The coordinator is a REST bridge over protobuf messages, and its replies drift between versions
 * (see "Tolerance" in the shared coordinator contract). Everything that absorbs that drift lives
 * here, so the rest of the gateway sees one shape. Rule zero: unknown fields are ignored, missing
 * optional fields become `null`, and nothing in this file throws on odd input.
 *
 * The normalisers take `unknown` on purpose: the wire shapes are the contract's (with its tolerated
 * variants), and an interface claiming them would be believed by the compiler where only these
 * readers' checks hold. They run for every list item, so they avoid intermediate arrays and closures.
 */
import {
  type BenchmarkResult,
  type CachedDataset,
  type Checkpoint,
  type ClusterInfo,
  type ClusterNode,
  type DataValidationResult,
  type Evaluation,
  type GpuTypeUsage,
  JOB_STATUSES,
  type JobMetrics,
  type JobStatus,
  type KnownJobStatus,
  type LogLine,
  type MetricsSnapshot,
  NODE_STATUSES,
  type NodeStatus,
  type Page,
  type Progress,
  type QueueEntry,
  type QueueInfo,
  type StringMap,
  type SubmittedEvaluation,
  type SubmittedJob,
  type TrainingJob,
  type TrainingJobConfig,
  type WorkloadType,
} from './domain.js';

// ---------------------------------------------------------------------------------------------
// Scalar readers
// ---------------------------------------------------------------------------------------------

type Rec = Record<string, unknown>;
const EMPTY: Rec = Object.freeze({}) as Rec;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rec(value: unknown): Rec {
  return isRecord(value) ? value : EMPTY;
}

/** The records of a list (a missing list is empty; an item that is not a record is skipped). */
function recordsIn(value: unknown): Rec[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A string, or null. Numbers become text because ids and names are sometimes int64 on the wire. */
function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * Like `str`, but "" becomes null: proto3 strings have no presence, so "" is what the bridge
 * sends for "not set".
 */
function optStr(value: unknown): string | null {
  const s = str(value);
  return s === '' ? null : s;
}

/** A finite number; numeric strings are accepted because int64 and some metrics arrive as text. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.length > 0) {
    const n = Number(value);
    // Number('  ') is 0; blank text is not a number.
    return Number.isFinite(n) && value.trim().length > 0 ? n : null;
  }
  return null;
}

function toBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

function isoFromMs(ms: number): string | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function digitsAt(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when `s` starts with a valid `YYYY-MM-DDTHH:MM:SS`. */
function hasValidDateTimePrefix(s: string): boolean {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return false; // - - T
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false; // : :
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  return (
    year >= 0 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour >= 0 &&
    hour < 24 &&
    minute >= 0 &&
    minute < 60 &&
    second >= 0 &&
    second < 60
  );
}

/**
 * The UTC forms coordinators actually send (`…:SSZ` and `…:SS.mmmZ`), canonicalised without a
 * Date round trip, which costs most of a job's normalisation otherwise. Null: take the slow path.
 */
function fastUtcIso(s: string): string | null {
  if (s.length === 20) {
    return s.charCodeAt(19) === 90 && hasValidDateTimePrefix(s) ? `${s.slice(0, 19)}.000Z` : null;
  }
  if (s.length === 24) {
    return s.charCodeAt(23) === 90 && s.charCodeAt(19) === 46 && digitsAt(s, 20, 3) >= 0 && hasValidDateTimePrefix(s)
      ? s
      : null;
  }
  return null;
}

/**
 * An RFC 3339 string or a proto `{seconds, nanos}` dict → ISO 8601 with millisecond precision
 * (UTC), so timestamps compare equal across coordinator versions. Unparseable → null.
 */
export function toTimestamp(value: unknown): string | null {
  if (typeof value === 'string') {
    if (value.length === 0) return null;
    return fastUtcIso(value) ?? isoFromMs(Date.parse(value));
  }
  if (isRecord(value)) {
    const seconds = toNumber(value.seconds);
    if (seconds === null) return null;
    const nanos = toNumber(value.nanos) ?? 0;
    return isoFromMs(seconds * 1000 + Math.floor(nanos / 1e6));
  }
  return null;
}

/** Proto maps hold strings; scalars are turned into text and anything nested is dropped. */
export function toStringMap(value: unknown): StringMap {
  const out: StringMap = {};
  if (!isRecord(value)) return out;
  for (const key in value) {
    const v = value[key];
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
  }
  return out;
}

/** Metric maps → numbers; values that are not numeric are dropped rather than becoming NaN. */
export function toNumberMap(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!isRecord(value)) return out;
  for (const key in value) {
    const n = toNumber(value[key]);
    if (n !== null) out[key] = n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

const STATUS_BY_NAME: ReadonlyMap<string, KnownJobStatus> = new Map(JOB_STATUSES.map((s) => [s, s]));
// Proto enum value names are often prefixed with the enum's name; accept those spellings too.
const STATUS_PREFIXES = ['JOB_STATUS_', 'EVALUATION_STATUS_', 'STATUS_'] as const;

function statusFromNumber(n: number): JobStatus {
  // Proto numbering: 0 is STATUS_UNSPECIFIED, then JOB_STATUSES in order from 1.
  return Number.isInteger(n) && n >= 1 && n <= JOB_STATUSES.length ? (JOB_STATUSES[n - 1] ?? 'UNKNOWN') : 'UNKNOWN';
}

function statusFromText(s: string): JobStatus {
  const exact = STATUS_BY_NAME.get(s);
  if (exact !== undefined) return exact;
  if (/^\d+$/.test(s)) return statusFromNumber(Number(s));
  const upper = s.toUpperCase();
  const fromUpper = STATUS_BY_NAME.get(upper);
  if (fromUpper !== undefined) return fromUpper;
  for (const prefix of STATUS_PREFIXES) {
    if (upper.startsWith(prefix)) {
      const stripped = STATUS_BY_NAME.get(upper.slice(prefix.length));
      if (stripped !== undefined) return stripped;
    }
  }
  return 'UNKNOWN';
}

/** A status as name or proto number → a known status, or `UNKNOWN` (never an error). */
export function toStatus(value: unknown): JobStatus {
  if (typeof value === 'string') return statusFromText(value);
  if (typeof value === 'number') return statusFromNumber(value);
  return 'UNKNOWN';
}

/** The status exactly as sent, as text ("" when absent). */
export function toRawStatus(value: unknown): string {
  return str(value) ?? '';
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

/** Enum names pass through; numbers are kept as text because their numbering is not documented. */
function enumText(value: unknown): string | null {
  return optStr(value);
}

/** `training_config.framework`: the documented `{type, ...}` object, or a bare enum name (older coordinators). */
function frameworkOf(value: unknown): string | null {
  return isRecord(value) ? enumText(value.type) : enumText(value);
}

function baseModelOf(value: unknown): string | null {
  if (typeof value === 'string') return optStr(value);
  return isRecord(value) ? optStr(value.model_id) : null;
}

function dataSourcesOf(value: unknown): string[] {
  const out: string[] = [];
  if (!Array.isArray(value)) return out;
  for (const source of value) {
    const path = typeof source === 'string' ? source : isRecord(source) ? (str(source.path) ?? str(source.uri)) : null;
    if (path) out.push(path);
  }
  return out;
}

function progressOf(value: unknown): Progress | null {
  if (!isRecord(value)) return null;
  return {
    currentStep: toNumber(value.current_step),
    totalSteps: toNumber(value.total_steps),
    epoch: toNumber(value.epoch),
  };
}

/** One checkpoint; `jobId` comes from the parent job because checkpoints do not carry it. */
export function normalizeCheckpoint(value: unknown, jobId: string): Checkpoint {
  const o = rec(value);
  return {
    checkpointId: str(o.checkpoint_id) ?? str(o.id) ?? '',
    jobId,
    step: toNumber(o.step),
    epoch: toNumber(o.epoch),
    uri: optStr(o.uri),
    createdAt: toTimestamp(o.created_at),
  };
}

function checkpointsOf(value: unknown, jobId: string): Checkpoint[] {
  return recordsIn(value).map((item) => normalizeCheckpoint(item, jobId));
}

/**
 * A training job. `fallbackId` is the id that was asked for, used when the reply omits it.
 */
export function normalizeJob(value: unknown, fallbackId = ''): TrainingJob {
  const o = rec(value);
  const training = rec(o.training_config);
  const resources = rec(o.resource_config);
  const jobId = str(o.job_id) ?? str(o.id) ?? fallbackId;
  return {
    jobId,
    name: optStr(o.name),
    status: toStatus(o.status),
    rawStatus: toRawStatus(o.status),
    labels: toStringMap(o.labels),
    trainingType: enumText(training.training_type),
    framework: frameworkOf(training.framework ?? o.framework),
    baseModel: baseModelOf(training.base_model),
    // Documented in training_config; older records carry them at the top level.
    priority: toNumber(training.priority) ?? toNumber(o.priority),
    gpuCount: toNumber(resources.gpu_count),
    gpuType: optStr(resources.gpu_type),
    dataSources: dataSourcesOf(rec(o.data_config).sources),
    progress: progressOf(o.progress),
    queuePosition: toNumber(o.queue_position),
    checkpoints: checkpointsOf(o.checkpoints, jobId),
    checkpointsListed: Array.isArray(o.checkpoints),
    outputModelUri: optStr(o.output_model_uri),
    message: optStr(o.message),
    maxRetries: toNumber(training.max_retries) ?? toNumber(o.max_retries),
    createdAt: toTimestamp(o.created_at),
    updatedAt: toTimestamp(o.updated_at),
    startedAt: toTimestamp(o.started_at),
    completedAt: toTimestamp(o.completed_at),
    raw: value,
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluations
// ---------------------------------------------------------------------------------------------

/**
 * The score of one result: `score`, else `value`, else the only metric when there is exactly one
 * (older coordinators report e.g. just `{"accuracy": 0.71}`).
 */
function scoreOf(o: Rec, metrics: Record<string, number>): number | null {
  const explicit = toNumber(o.score) ?? toNumber(o.value);
  if (explicit !== null) return explicit;
  let lone: number | null = null;
  let count = 0;
  for (const key in metrics) {
    count++;
    if (count > 1) return null;
    lone = metrics[key] ?? null;
  }
  return lone;
}

function benchmarkFrom(spec: Rec | undefined, result: Rec | undefined, name: string): BenchmarkResult {
  const s = spec ?? EMPTY;
  if (result === undefined) {
    return {
      name,
      dataset: optStr(s.dataset),
      numSamples: toNumber(s.num_samples),
      parameters: toStringMap(s.parameters),
      status: null,
      rawStatus: null,
      score: null,
      metrics: {},
      raw: { spec: spec ?? null, result: null },
    };
  }
  const metrics = toNumberMap(result.metrics);
  return {
    name,
    dataset: optStr(s.dataset) ?? optStr(result.dataset),
    // The result's count is what was actually scored; the spec's is only what was asked for.
    numSamples: toNumber(result.num_samples) ?? toNumber(s.num_samples),
    parameters: toStringMap(s.parameters),
    status: toStatus(result.status),
    rawStatus: toRawStatus(result.status),
    score: scoreOf(result, metrics),
    metrics,
    raw: { spec: spec ?? null, result },
  };
}

/** Results as a list or as a name-keyed map → name → result object (insertion order kept). */
function resultsByName(value: unknown): Map<string, Rec> {
  const out = new Map<string, Rec>();
  if (Array.isArray(value)) {
    for (const item of value) {
      if (!isRecord(item)) continue;
      const name = str(item.benchmark) ?? str(item.name);
      if (name !== null && !out.has(name)) out.set(name, item);
    }
  } else if (isRecord(value)) {
    for (const name in value) {
      const item = value[name];
      // A map value may be the bare score.
      if (isRecord(item)) out.set(name, item);
      else if (toNumber(item) !== null) out.set(name, { score: item });
    }
  }
  return out;
}

/**
 * The evaluation's requested benchmarks merged with their results by name: spec order first,
 * then results that match no spec (they still appear). `status` stays null until a result exists.
 */
export function normalizeBenchmarks(specs: unknown, results: unknown): BenchmarkResult[] {
  const byName = resultsByName(results);
  const out: BenchmarkResult[] = [];
  const seen = new Set<string>();
  if (Array.isArray(specs)) {
    for (const item of specs) {
      const spec = isRecord(item) ? item : undefined;
      const name = spec ? str(spec.name) : str(item);
      if (name === null || seen.has(name)) continue;
      seen.add(name);
      out.push(benchmarkFrom(spec, byName.get(name), name));
    }
  }
  for (const [name, result] of byName) {
    if (!seen.has(name)) out.push(benchmarkFrom(undefined, result, name));
  }
  return out;
}

/** True for a record of `GET /jobs` that is an evaluation workload (label `type=evaluation`), not a training job. */
export function isEvaluationWorkload(job: TrainingJob): boolean {
  return job.labels.type === 'evaluation';
}

/**
 * One evaluation, from `GET /evaluations/{id}` or an item of `GET /evaluations`.
 *
 * Listing items are job-shaped workload records [doc]: their `job_id` is the evaluation's own id and
 * the evaluated job is `labels.parent_job_id`. The poll reply and older listings carry
 * `evaluation_id` (or `id`) and the evaluated job under `job_id` (older listings also in `labels.job_id`).
 */
export function normalizeEvaluation(value: unknown, fallbackId = ''): Evaluation {
  const o = rec(value);
  const labels = rec(o.labels);
  const ownId = str(o.evaluation_id) ?? str(o.id);
  const wireJobId = optStr(o.job_id);
  const parentLabel = optStr(labels.parent_job_id);
  let evaluationId: string;
  let jobId: string | null;
  if (parentLabel !== null) {
    // A workload record: its job_id is its own id, whatever other ids it also carries.
    evaluationId = ownId ?? wireJobId ?? fallbackId;
    jobId = parentLabel;
  } else if (ownId !== null) {
    evaluationId = ownId;
    jobId = wireJobId ?? optStr(labels.job_id);
  } else if (wireJobId !== null) {
    evaluationId = wireJobId;
    jobId = optStr(labels.job_id);
  } else {
    evaluationId = fallbackId;
    jobId = optStr(labels.job_id);
  }
  return {
    evaluationId,
    jobId,
    modelUri: optStr(o.model_uri),
    checkpointId: optStr(o.checkpoint_id),
    status: toStatus(o.status),
    rawStatus: toRawStatus(o.status),
    benchmarks: normalizeBenchmarks(o.benchmarks, o.results ?? o.benchmark_results),
    createdAt: toTimestamp(o.created_at),
    startedAt: toTimestamp(o.started_at),
    completedAt: toTimestamp(o.completed_at),
    message: optStr(o.message),
    raw: value,
  };
}

/** The reply of `POST /evaluations`. */
export function normalizeSubmittedEvaluation(value: unknown): SubmittedEvaluation {
  const o = rec(value);
  return {
    evaluationId: str(o.evaluation_id) ?? str(o.id) ?? str(o.job_id) ?? '',
    status: toStatus(o.status),
    rawStatus: toRawStatus(o.status),
  };
}

// ---------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------

/** The list's items under `jobs` or `evaluations`, whichever the coordinator used. */
function listItems(o: Rec): unknown[] {
  if (Array.isArray(o.jobs)) return o.jobs;
  if (Array.isArray(o.evaluations)) return o.evaluations;
  return [];
}

/** `next_page_token` missing, null or "" all mean "no more pages". */
export function toPageToken(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function normalizePage<T>(value: unknown, item: (v: unknown) => T): Page<T> {
  const o = rec(value);
  const wireItems = listItems(o);
  const items: T[] = [];
  for (const wireItem of wireItems) {
    if (isRecord(wireItem)) items.push(item(wireItem));
  }
  return { items, nextPageToken: toPageToken(o.next_page_token), totalCount: toNumber(o.total_count) };
}

function jobItem(v: unknown): TrainingJob {
  return normalizeJob(v);
}

function evaluationItem(v: unknown): Evaluation {
  return normalizeEvaluation(v);
}

/** A page of `GET /jobs`. */
export function normalizeJobPage(value: unknown): Page<TrainingJob> {
  return normalizePage(value, jobItem);
}

/** A page of `GET /evaluations`. */
export function normalizeEvaluationPage(value: unknown): Page<Evaluation> {
  return normalizePage(value, evaluationItem);
}

// ---------------------------------------------------------------------------------------------
// Metrics, queue, data validation
// ---------------------------------------------------------------------------------------------

/** `GET /jobs/{id}/metrics`; `fallbackJobId` is the id asked for. */
export function normalizeJobMetrics(value: unknown, fallbackJobId = ''): JobMetrics {
  const o = rec(value);
  return {
    jobId: str(o.job_id) ?? fallbackJobId,
    step: toNumber(o.step),
    values: toNumberMap(o.metrics),
    recordedAt: toTimestamp(o.recorded_at),
    raw: value,
  };
}

function workloadTypeOf(value: unknown): WorkloadType {
  const text = optStr(value)?.toUpperCase();
  if (text === undefined || text === 'TRAINING' || text === 'JOB') return 'TRAINING';
  return text === 'EVALUATION' ? 'EVALUATION' : 'UNKNOWN';
}

/**
 * One queue entry. The contract's shape is `{job_id, type, position, priority, enqueued_at}`; an
 * older one listed `jobs: [{job_id, queue_position, status}]` (training jobs only).
 */
function queueEntryOf(item: Rec): QueueEntry | null {
  const workloadId = str(item.job_id) ?? str(item.evaluation_id) ?? str(item.id);
  if (workloadId === null) return null;
  return {
    workloadId,
    type: item.evaluation_id !== undefined && item.type === undefined ? 'EVALUATION' : workloadTypeOf(item.type),
    position: toNumber(item.position ?? item.queue_position),
    priority: toNumber(item.priority),
    enqueuedAt: toTimestamp(item.enqueued_at),
  };
}

/** `GET /queue`. A missing depth is derived from the listed entries. */
export function normalizeQueue(value: unknown): QueueInfo {
  const o = rec(value);
  const list = Array.isArray(o.entries) ? o.entries : Array.isArray(o.jobs) ? o.jobs : [];
  const entries: QueueEntry[] = [];
  let listed = 0;
  for (const item of list) {
    if (!isRecord(item)) continue;
    listed++;
    const entry = queueEntryOf(item);
    if (entry !== null) entries.push(entry);
  }
  const depth = toNumber(o.depth) ?? listed;
  return { depth, byStatus: toNumberMap(o.by_status), entries, raw: value };
}

// ---------------------------------------------------------------------------------------------
// Cluster, nodes, data cache, job submission
// ---------------------------------------------------------------------------------------------

/** `GET /cluster`. */
export function normalizeCluster(value: unknown): ClusterInfo {
  const o = rec(value);
  const gpuTypes: GpuTypeUsage[] = [];
  if (Array.isArray(o.gpu_types)) {
    for (const item of o.gpu_types) {
      if (!isRecord(item)) continue;
      const gpuType = optStr(item.gpu_type);
      if (gpuType !== null) gpuTypes.push({ gpuType, total: toNumber(item.total), inUse: toNumber(item.in_use) });
    }
  }
  return {
    nodesTotal: toNumber(o.nodes_total),
    nodesReady: toNumber(o.nodes_ready),
    gpusTotal: toNumber(o.gpus_total),
    gpusInUse: toNumber(o.gpus_in_use),
    gpuTypes,
    queueDepth: toNumber(o.queue_depth),
    raw: value,
  };
}

const NODE_STATUS_BY_NAME: ReadonlyMap<string, NodeStatus> = new Map(NODE_STATUSES.map((s) => [s, s]));

function nodeStatusOf(value: unknown): NodeStatus {
  const text = str(value)?.toUpperCase();
  if (text === undefined) return 'UNKNOWN';
  return NODE_STATUS_BY_NAME.get(text.startsWith('NODE_STATUS_') ? text.slice(12) : text) ?? 'UNKNOWN';
}

function stringList(value: unknown): string[] {
  const out: string[] = [];
  if (!Array.isArray(value)) return out;
  for (const item of value) {
    const s = optStr(item);
    if (s !== null) out.push(s);
  }
  return out;
}

/** One node, from `GET /nodes` or a drain/enable reply; `fallbackId` is the id acted on. */
export function normalizeNode(value: unknown, fallbackId = ''): ClusterNode {
  const o = rec(value);
  return {
    nodeId: str(o.node_id) ?? str(o.id) ?? fallbackId,
    status: nodeStatusOf(o.status),
    rawStatus: toRawStatus(o.status),
    gpuType: optStr(o.gpu_type),
    gpuCount: toNumber(o.gpu_count),
    gpusInUse: toNumber(o.gpus_in_use),
    runningJobIds: stringList(o.running_job_ids),
    raw: value,
  };
}

/** `GET /nodes`. */
export function normalizeNodes(value: unknown): ClusterNode[] {
  return recordsIn(rec(value).nodes).map((item) => normalizeNode(item));
}

/** `GET /data/cache`. */
export function normalizeDataCache(value: unknown): CachedDataset[] {
  return recordsIn(rec(value).entries).flatMap((item) => {
    const uri = optStr(item.uri);
    return uri === null ? [] : [{ uri, sizeBytes: toNumber(item.size_bytes), cachedAt: toTimestamp(item.cached_at) }];
  });
}

/** The reply of `POST /jobs`: `{job_id, status, message, estimated_wait_seconds}`. */
export function normalizeSubmittedJob(value: unknown): SubmittedJob {
  const o = rec(value);
  return {
    jobId: str(o.job_id) ?? str(o.id) ?? '',
    status: toStatus(o.status),
    rawStatus: toRawStatus(o.status),
    message: optStr(o.message),
    estimatedWaitSeconds: toNumber(o.estimated_wait_seconds),
  };
}

/** `POST /data/validate`. */
export function normalizeDataValidation(value: unknown): DataValidationResult[] {
  return recordsIn(rec(value).results).map((item) => ({
    uri: str(item.uri) ?? '',
    ok: toBool(item.ok) ?? false,
    message: optStr(item.message),
  }));
}

// ---------------------------------------------------------------------------------------------
// A job's configuration (the typed read side)
// ---------------------------------------------------------------------------------------------

function optionalRecord(value: unknown): Rec | null {
  return isRecord(value) ? value : null;
}

/**
 * The configuration a job record echoes back: the submit body's `training_config`, `data_config`,
 * `resource_config`, `output_config` and `scheduling_config`. Settings the docs place in
 * `training_config` (priority, max_retries, environment) are also read at the top level, where
 * older records carry them.
 */
export function trainingJobConfigOf(value: unknown): TrainingJobConfig {
  const o = rec(value);
  const training = rec(o.training_config);
  const model = training.base_model;
  const modelRecord = optionalRecord(model);
  const frameworkValue = training.framework ?? o.framework;
  const framework = optionalRecord(frameworkValue);
  const distributed = optionalRecord(framework?.distributed);
  const data = rec(o.data_config);
  const resources = rec(o.resource_config);
  const output = optionalRecord(o.output_config);
  const scheduling = optionalRecord(o.scheduling_config);
  const sources: TrainingJobConfig['data']['sources'] = [];
  if (Array.isArray(data.sources)) {
    for (const source of data.sources) {
      const item = optionalRecord(source);
      const path = typeof source === 'string' ? source : item ? (str(item.path) ?? str(item.uri)) : null;
      if (path) {
        sources.push({
          path,
          type: optStr(item?.type),
          split: optStr(item?.split),
          format: optStr(item?.format),
        });
      }
    }
  }
  return {
    trainingType: enumText(training.training_type),
    baseModel:
      typeof model === 'string'
        ? {
            modelId: optStr(model),
            revision: null,
            source: null,
            tokenizerId: null,
            dtype: null,
            trustRemoteCode: null,
          }
        : modelRecord && {
            modelId: optStr(modelRecord.model_id),
            revision: optStr(modelRecord.revision),
            source: optStr(modelRecord.source),
            tokenizerId: optStr(modelRecord.tokenizer_id),
            dtype: optStr(modelRecord.dtype),
            trustRemoteCode: toBool(modelRecord.trust_remote_code),
          },
    framework: framework
      ? {
          type: enumText(framework.type),
          config: toStringMap(framework.config),
          distributed: distributed && {
            worldSize: toNumber(distributed.world_size),
            backend: optStr(distributed.backend),
            strategy: optStr(distributed.strategy),
            config: toStringMap(distributed.config),
          },
          customScriptPath: optStr(framework.custom_script_path),
        }
      : enumText(frameworkValue) === null
        ? null
        : { type: enumText(frameworkValue), config: {}, distributed: null, customScriptPath: null },
    hyperparameters: toStringMap(training.hyperparameters),
    environment: toStringMap(training.environment ?? o.environment),
    resumeFromCheckpoint: optStr(training.resume_from_checkpoint),
    maxRetries: toNumber(training.max_retries) ?? toNumber(o.max_retries),
    priority: toNumber(training.priority) ?? toNumber(o.priority),
    data: {
      sources,
      maxSeqLength: toNumber(data.max_seq_length),
      batchSize: toNumber(data.batch_size),
      gradientAccumulationSteps: toNumber(data.gradient_accumulation_steps),
      validationSplit: toNumber(data.validation_split),
      seed: toNumber(data.seed),
    },
    resources: {
      gpuCount: toNumber(resources.gpu_count),
      gpuType: optStr(resources.gpu_type),
      nodeCount: toNumber(resources.node_count),
    },
    output: output && {
      outputUri: optStr(output.output_uri),
      checkpointEverySteps: toNumber(output.checkpoint_every_steps),
      keepCheckpoints: toNumber(output.keep_checkpoints),
    },
    scheduling: scheduling && {
      preemptible: toBool(scheduling.preemptible),
      maxWaitSeconds: toNumber(scheduling.max_wait_seconds),
    },
    retryCount: toNumber(o.retry_count),
  };
}

/** Labels that say what a workload record is, not how it is grouped. */
const STRUCTURAL_LABELS: ReadonlySet<string> = new Set(['type', 'parent_job_id', 'job_id']);

/**
 * The labels an evaluation's own record carries, without the structural ones (`type`, the parent
 * job's id). Evaluations carry no labels of their own [doc]; a coordinator that copies the parent
 * job's labels onto the workload record is read all the same. Read on demand, from `raw`.
 */
export function evaluationLabelsOf(value: unknown): StringMap {
  const labels = toStringMap(rec(value).labels);
  for (const key of STRUCTURAL_LABELS) delete labels[key];
  return labels;
}

/** One `data:` of the log stream: `{"ts", "level", "message", "step"?}`; `id` is the event's id. */
export function normalizeLogLine(value: unknown, id: string | null): LogLine {
  const o = rec(value);
  return {
    sequence: id,
    timestamp: toTimestamp(o.ts ?? o.timestamp),
    level: optStr(o.level),
    message: str(o.message) ?? '',
    step: toNumber(o.step),
  };
}

/** One `data:` of the metrics stream: `{"step", "recorded_at", "values"}` (`metrics` also read). */
export function normalizeMetricsSnapshot(value: unknown, id: string | null): MetricsSnapshot {
  const o = rec(value);
  return {
    sequence: id,
    step: toNumber(o.step),
    recordedAt: toTimestamp(o.recorded_at),
    values: toNumberMap(o.values ?? o.metrics),
  };
}
