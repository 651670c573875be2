import type {
  CoordinatorClient,
  CoordinatorEventStream,
  CoordinatorResponse,
  QueryValue,
  RequestOptions,
} from './client.js';
import type {
  BenchmarkSpec,
  CachedDataset,
  ClusterInfo,
  ClusterNode,
  DataValidationResult,
  Evaluation,
  EvaluationRequest,
  JobMetrics,
  ListEvaluationsParams,
  ListParams,
  LogLine,
  MetricsSnapshot,
  OrderBy,
  Page,
  QueueInfo,
  RateLimitInfo,
  StreamChunk,
  StreamPosition,
  SubmittedEvaluation,
  SubmittedJob,
  TrainingJob,
  TrainingJobRequest,
} from './domain.js';
import { CoordinatorError } from './errors.js';
import { streamError } from './event-stream.js';
import {
  isEvaluationWorkload,
  normalizeCluster,
  normalizeDataCache,
  normalizeDataValidation,
  normalizeEvaluation,
  normalizeEvaluationPage,
  normalizeJob,
  normalizeJobMetrics,
  normalizeJobPage,
  normalizeLogLine,
  normalizeMetricsSnapshot,
  normalizeNode,
  normalizeNodes,
  normalizeQueue,
  normalizeSubmittedEvaluation,
  normalizeSubmittedJob,
} from './wire.js';

/**
 * The coordinator as the rest of the gateway sees it: one function per endpoint, bound to one
 * caller's credential and one request scope (abort signal, deadline, in-flight GET coalescing).
 * Every method resolves to domain types or rejects with a `CoordinatorError`.
 */
export interface CoordinatorApi {
  listJobs(params?: ListParams): Promise<Page<TrainingJob>>;
  getJob(jobId: string): Promise<TrainingJob>;
  cancelJob(jobId: string, input?: { reason?: string }): Promise<TrainingJob>;
  pauseJob(jobId: string, input?: { saveCheckpoint?: boolean }): Promise<TrainingJob>;
  resumeJob(jobId: string, input?: { checkpointId?: string }): Promise<TrainingJob>;
  retryJob(jobId: string, input?: { checkpointId?: string }): Promise<TrainingJob>;
  /** The latest metrics snapshot; null when the job has none (the coordinator answers 404). */
  getJobMetrics(jobId: string): Promise<JobMetrics | null>;
  getQueue(): Promise<QueueInfo>;
  submitEvaluation(request: EvaluationRequest): Promise<SubmittedEvaluation>;
  getEvaluation(evaluationId: string): Promise<Evaluation>;
  listEvaluations(params?: ListEvaluationsParams): Promise<Page<Evaluation>>;
  validateData(uris: readonly string[]): Promise<DataValidationResult[]>;
  /**
   * `GET /jobs/{id}/logs` as an open stream of chunks; ends after the chunk with `done` (the job
   * is terminal) or when the connection drops, and throws the `event: error` it may carry (after
   * the lines that came before it). Rejects like any GET when the stream cannot be opened.
   */
  streamJobLogs(jobId: string, position: StreamPosition): Promise<AsyncIterable<StreamChunk<LogLine>>>;
  /** `GET /jobs/{id}/metrics/stream`, like `streamJobLogs`. */
  streamJobMetrics(jobId: string, position: StreamPosition): Promise<AsyncIterable<StreamChunk<MetricsSnapshot>>>;
  /** `POST /jobs`. Never retried: the coordinator has no idempotency (see `SubmittedJob`). */
  submitJob(request: TrainingJobRequest): Promise<SubmittedJob>;
  getDataCache(): Promise<CachedDataset[]>;
  getCluster(): Promise<ClusterInfo>;
  listNodes(): Promise<ClusterNode[]>;
  drainNode(nodeId: string, input?: { reason?: string }): Promise<ClusterNode>;
  enableNode(nodeId: string, input?: { reason?: string }): Promise<ClusterNode>;
  /** The rate-limit headers of the latest reply seen through this api (null before any). */
  readonly rateLimit: RateLimitInfo | null;
  /** What this deployment has shown of the contract's guesses (shared by every scope of one client). */
  readonly deployment?: DeploymentTraits;
}

/**
 * How the coordinator deployment behind one client treats the contract's guesses, learned from its
 * replies: null while not known. It is a property of the deployment, not of any caller's data, so
 * it is shared across credentials.
 */
export interface DeploymentTraits {
  /** `GET /jobs` also lists evaluation workloads (label `type=evaluation`). */
  evaluationWorkloadsInJobs: boolean | null;
  /** `GET /evaluations` honours the `job_id` filter (false: it lists every evaluation). */
  jobIdFilterApplied: boolean | null;
}

const traitsByClient = new WeakMap<CoordinatorClient, DeploymentTraits>();

function traitsOf(client: CoordinatorClient): DeploymentTraits {
  let traits = traitsByClient.get(client);
  if (traits === undefined) {
    traits = { evaluationWorkloadsInJobs: null, jobIdFilterApplied: null };
    traitsByClient.set(client, traits);
  }
  return traits;
}

/** What one api instance is bound to: typically one incoming GraphQL request or one poller. */
export interface ApiScope {
  /** The caller's full `Authorization` header value, forwarded unchanged. */
  credential: string | null;
  signal?: AbortSignal;
  /** Epoch ms after which no coordinator call may still be running. */
  deadline?: number;
  /** Told the rate-limit headers of every reply, error replies included. */
  onRateLimit?: (info: RateLimitInfo) => void;
}

type Query = Record<string, QueryValue>;
type Normalize<T> = (data: unknown) => T;

/** Copies only the defined values, so the coordinator never sees `"key": null` for "not given". */
function compact(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in input) {
    if (input[key] !== undefined) out[key] = input[key];
  }
  return out;
}

/** The coordinator's own default order: not sent, since `order_by`'s syntax is only a guess. */
export const DEFAULT_ORDER: OrderBy = 'created_at desc';

function listQuery(params: ListParams | undefined): Query {
  return {
    page_size: params?.pageSize,
    page_token: params?.pageToken,
    order_by: params?.orderBy === DEFAULT_ORDER ? undefined : params?.orderBy,
    status: params?.status,
  };
}

function benchmarkBody(spec: BenchmarkSpec): Record<string, unknown> {
  return compact({
    name: spec.name,
    dataset: spec.dataset,
    num_samples: spec.numSamples,
    parameters: spec.parameters,
  });
}

function evaluationBody(request: EvaluationRequest): Record<string, unknown> {
  return compact({
    job_id: request.jobId,
    model_uri: request.modelUri,
    checkpoint_id: request.checkpointId,
    benchmarks: request.benchmarks.map(benchmarkBody),
  });
}

/** Optional sections are left out when empty, so the coordinator applies its own defaults. */
function optionalSection(section: Record<string, unknown>): Record<string, unknown> | undefined {
  const body = compact(section);
  return Object.keys(body).length > 0 ? body : undefined;
}

/** `POST /jobs` in the coordinator's spelling: maps, priority and retries sit in `training_config`. */
function trainingJobBody(request: TrainingJobRequest): Record<string, unknown> {
  const { trainingConfig: training, dataConfig: data, resourceConfig: resources } = request;
  const { baseModel: model, framework } = training;
  const distributed = framework.distributed;
  return compact({
    name: request.name,
    training_config: compact({
      training_type: training.trainingType,
      base_model: compact({
        model_id: model.modelId,
        revision: model.revision,
        source: model.source,
        tokenizer_id: model.tokenizerId,
        dtype: model.dtype,
        trust_remote_code: model.trustRemoteCode,
      }),
      framework: compact({
        type: framework.type,
        config: framework.config,
        distributed:
          distributed &&
          compact({
            world_size: distributed.worldSize,
            backend: distributed.backend,
            strategy: distributed.strategy,
            config: distributed.config,
          }),
        custom_script_path: framework.customScriptPath,
      }),
      hyperparameters: training.hyperparameters,
      environment: training.environment,
      resume_from_checkpoint: training.resumeFromCheckpoint,
      max_retries: training.maxRetries,
      priority: training.priority,
    }),
    data_config: compact({
      sources: data.sources.map((source) =>
        compact({ path: source.path, type: source.type, split: source.split, format: source.format }),
      ),
      max_seq_length: data.maxSeqLength,
      batch_size: data.batchSize,
      gradient_accumulation_steps: data.gradientAccumulationSteps,
      validation_split: data.validationSplit,
      seed: data.seed,
    }),
    resource_config: compact({
      gpu_count: resources.gpuCount,
      gpu_type: resources.gpuType,
      node_count: resources.nodeCount,
    }),
    output_config:
      request.outputConfig &&
      optionalSection({
        output_uri: request.outputConfig.outputUri,
        checkpoint_every_steps: request.outputConfig.checkpointEverySteps,
        keep_checkpoints: request.outputConfig.keepCheckpoints,
      }),
    scheduling_config:
      request.schedulingConfig &&
      optionalSection({
        preemptible: request.schedulingConfig.preemptible,
        max_wait_seconds: request.schedulingConfig.maxWaitSeconds,
      }),
    labels: request.labels,
  });
}

/**
 * The coalescing key: identical route, path params and query mean an identical upstream GET
 * (the credential is the scope's, so it need not be part of the key).
 */
function coalesceKey(route: string, params: Record<string, string> | undefined, query: Query | undefined): string {
  let key = route;
  if (params !== undefined) {
    for (const name in params) key += `\u0000${name}=${params[name]}`;
  }
  if (query !== undefined) {
    for (const name in query) {
      const value = query[name];
      if (value === undefined) continue;
      key += `\u0001${name}=${typeof value === 'object' ? value.join('\u0002') : value}`;
    }
  }
  return key;
}

/**
 * One api instance per scope. A class rather than an object of closures: a gateway creates one
 * per incoming request, and prototype methods cost nothing per instance.
 */
class ScopedCoordinatorApi implements CoordinatorApi {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private latestRateLimit: RateLimitInfo | null = null;

  constructor(
    private readonly client: CoordinatorClient,
    private readonly scope: ApiScope,
  ) {}

  get rateLimit(): RateLimitInfo | null {
    return this.latestRateLimit;
  }

  get deployment(): DeploymentTraits {
    return traitsOf(this.client);
  }

  async listJobs(params?: ListParams): Promise<Page<TrainingJob>> {
    const page = await this.get('/jobs', normalizeJobPage, undefined, listQuery(params));
    if (page.items.some(isEvaluationWorkload)) this.deployment.evaluationWorkloadsInJobs = true;
    return page;
  }

  getJob(jobId: string): Promise<TrainingJob> {
    return this.get('/jobs/{job_id}', (data) => normalizeJob(data, jobId), { job_id: jobId });
  }

  cancelJob(jobId: string, input?: { reason?: string }): Promise<TrainingJob> {
    return this.jobAction('/jobs/{job_id}/cancel', jobId, { reason: input?.reason });
  }

  pauseJob(jobId: string, input?: { saveCheckpoint?: boolean }): Promise<TrainingJob> {
    return this.jobAction('/jobs/{job_id}/pause', jobId, { save_checkpoint: input?.saveCheckpoint });
  }

  resumeJob(jobId: string, input?: { checkpointId?: string }): Promise<TrainingJob> {
    return this.jobAction('/jobs/{job_id}/resume', jobId, { checkpoint_id: input?.checkpointId });
  }

  retryJob(jobId: string, input?: { checkpointId?: string }): Promise<TrainingJob> {
    return this.jobAction('/jobs/{job_id}/retry', jobId, { checkpoint_id: input?.checkpointId });
  }

  async getJobMetrics(jobId: string): Promise<JobMetrics | null> {
    try {
      return await this.get('/jobs/{job_id}/metrics', (data) => normalizeJobMetrics(data, jobId), { job_id: jobId });
    } catch (error) {
      if (error instanceof CoordinatorError && error.kind === 'http' && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  streamJobLogs(jobId: string, position: StreamPosition): Promise<AsyncIterable<StreamChunk<LogLine>>> {
    const query: Query = { tail: position.since === null ? position.tail : undefined };
    return this.stream('/jobs/{job_id}/logs', jobId, query, position, normalizeLogLine);
  }

  streamJobMetrics(jobId: string, position: StreamPosition): Promise<AsyncIterable<StreamChunk<MetricsSnapshot>>> {
    return this.stream('/jobs/{job_id}/metrics/stream', jobId, {}, position, normalizeMetricsSnapshot);
  }

  getQueue(): Promise<QueueInfo> {
    return this.get('/queue', normalizeQueue);
  }

  submitEvaluation(request: EvaluationRequest): Promise<SubmittedEvaluation> {
    return this.post('/evaluations', normalizeSubmittedEvaluation, evaluationBody(request));
  }

  getEvaluation(evaluationId: string): Promise<Evaluation> {
    return this.get('/evaluations/{evaluation_id}', (data) => normalizeEvaluation(data, evaluationId), {
      evaluation_id: evaluationId,
    });
  }

  async listEvaluations(params?: ListEvaluationsParams): Promise<Page<Evaluation>> {
    const query = listQuery(params);
    const jobId = params?.jobId;
    query.job_id = jobId;
    const page = await this.get('/evaluations', normalizeEvaluationPage, undefined, query);
    if (jobId !== undefined && page.items.some((evaluation) => evaluation.jobId !== jobId)) {
      this.deployment.jobIdFilterApplied = false;
    }
    return page;
  }

  validateData(uris: readonly string[]): Promise<DataValidationResult[]> {
    return this.post('/data/validate', normalizeDataValidation, { uris });
  }

  submitJob(request: TrainingJobRequest): Promise<SubmittedJob> {
    return this.post('/jobs', normalizeSubmittedJob, trainingJobBody(request));
  }

  getDataCache(): Promise<CachedDataset[]> {
    return this.get('/data/cache', normalizeDataCache);
  }

  getCluster(): Promise<ClusterInfo> {
    return this.get('/cluster', normalizeCluster);
  }

  listNodes(): Promise<ClusterNode[]> {
    return this.get('/nodes', normalizeNodes);
  }

  drainNode(nodeId: string, input?: { reason?: string }): Promise<ClusterNode> {
    return this.nodeAction('/nodes/{node_id}/drain', nodeId, input);
  }

  enableNode(nodeId: string, input?: { reason?: string }): Promise<ClusterNode> {
    return this.nodeAction('/nodes/{node_id}/enable', nodeId, input);
  }

  private nodeAction(route: string, nodeId: string, input?: { reason?: string }): Promise<ClusterNode> {
    const body = compact({ reason: input?.reason });
    return this.post(route, (data) => normalizeNode(data, nodeId), body, { node_id: nodeId });
  }

  private options(method: 'GET' | 'POST', route: string): RequestOptions {
    const { credential, signal, deadline } = this.scope;
    return { method, route, credential, signal, deadline };
  }

  /** Identical GETs in flight share one upstream call; the entry goes as soon as it settles. */
  private get<T>(route: string, normalize: Normalize<T>, params?: Record<string, string>, query?: Query): Promise<T> {
    const key = coalesceKey(route, params, query);
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending as Promise<T>;
    const options = this.options('GET', route);
    options.params = params;
    options.query = query;
    const promise = this.run(options, normalize).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** POSTs are never shared: two identical submits are two intentional submits. */
  private post<T>(route: string, normalize: Normalize<T>, body: unknown, params?: Record<string, string>): Promise<T> {
    const options = this.options('POST', route);
    options.params = params;
    options.body = body;
    return this.run(options, normalize);
  }

  private jobAction(route: string, jobId: string, body: Record<string, unknown>): Promise<TrainingJob> {
    return this.post(route, (data) => normalizeJob(data, jobId), compact(body), { job_id: jobId });
  }

  private async stream<T>(
    route: string,
    jobId: string,
    query: Query,
    position: StreamPosition,
    normalize: (data: unknown, id: string | null) => T,
  ): Promise<AsyncIterable<StreamChunk<T>>> {
    const stream = await this.client.stream({
      route,
      params: { job_id: jobId },
      query,
      credential: this.scope.credential,
      lastEventId: position.since,
      signal: this.scope.signal,
      idleTimeoutMs: position.idleTimeoutMs,
    });
    return readChunks(stream, { method: 'GET', label: `GET ${route}`, credential: this.scope.credential }, normalize);
  }

  private noteRateLimit(info: RateLimitInfo): void {
    this.latestRateLimit = info;
    this.scope.onRateLimit?.(info);
  }

  private async run<T>(options: RequestOptions, normalize: Normalize<T>): Promise<T> {
    let response: CoordinatorResponse;
    try {
      response = await this.client.request(options);
    } catch (error) {
      // A 429 carries the most useful rate-limit headers of all.
      if (error instanceof CoordinatorError && error.rateLimit !== null) this.noteRateLimit(error.rateLimit);
      throw error;
    }
    if (response.rateLimit !== null) this.noteRateLimit(response.rateLimit);
    return normalize(response.data);
  }
}

/** Transport failures that happen before a request is sent: the coordinator cannot have seen it. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function transportCode(error: unknown): string | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * True when a failed POST may still have taken effect upstream, so that its outcome must be looked
 * up before anyone submits again: the docs' 504 DEADLINE_EXCEEDED ("it may still have been
 * created"), our own timeout, a connection lost once the request was out, or a success reply we
 * could not read. A refusal with any other status, or a connection never made, did nothing.
 */
export function isAmbiguousFailure(error: unknown): boolean {
  if (!(error instanceof CoordinatorError)) return false;
  switch (error.kind) {
    case 'timeout':
      return true;
    case 'malformed':
      return error.status === null || (error.status >= 200 && error.status < 300) || error.status === 504;
    case 'http':
      return error.status === 504 || error.code === 'DEADLINE_EXCEEDED';
    case 'network': {
      const code = transportCode(error.cause);
      return code === null || !NOT_SENT_CODES.has(code);
    }
    default:
      return false;
  }
}

/**
 * Event-stream frames as domain chunks: `data: [DONE]` ends the stream, `event: error` becomes the
 * `CoordinatorError` it describes, and a `data:` that is not JSON is a malformed reply. What came
 * before a failure in the same read is delivered first.
 */
async function* readChunks<T>(
  stream: CoordinatorEventStream,
  origin: { method: string; label: string; credential: string | null },
  normalize: (data: unknown, id: string | null) => T,
): AsyncGenerator<StreamChunk<T>> {
  try {
    for await (const events of stream) {
      const items: T[] = [];
      let failure: CoordinatorError | null = null;
      let done = false;
      for (const event of events) {
        if (event.event === 'error') {
          failure = streamError(origin, event.data);
          break;
        }
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          failure = new CoordinatorError({
            kind: 'malformed',
            code: 'MALFORMED_RESPONSE',
            message: `${origin.label} sent an event whose data is not JSON`,
            method: origin.method,
            route: origin.label,
          });
          break;
        }
        items.push(normalize(data, event.id));
      }
      if (items.length > 0 || done) yield { items, done };
      if (failure) throw failure;
      if (done) return;
    }
  } finally {
    stream.close();
  }
}

/**
 * Binds the coordinator client to one caller scope (typically one incoming GraphQL request, or
 * one poller).
 *
 * Identical GETs that are in flight at the same time share one upstream call (the entry is
 * dropped as soon as it settles: this is in-flight deduplication, not a cache). POSTs are never
 * shared. `rateLimit` follows the latest reply, error replies included.
 */
export function createCoordinatorApi(client: CoordinatorClient, scope: ApiScope): CoordinatorApi {
  return new ScopedCoordinatorApi(client, scope);
}
