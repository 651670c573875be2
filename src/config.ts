/**
 * The gateway's configuration: read from the environment once, in `main.ts`, validated here.
 * A bad value stops the process with a message naming the variable; nothing else reads env.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type ResultShape = 'list' | 'map' | 'legacy';

export interface EmulatorConfig {
  port: number;
  speed: number;
  resultShape: ResultShape;
  seedJobs: number;
  rateLimitPerMinute: number | null;
  latencyMs: number;
}

export interface Config {
  host: string;
  port: number;
  /** ScaiMind base URL; null means "start the built-in emulator in-process" (the embedded default). */
  coordinatorUrl: string | null;
  coordinatorTimeoutMs: number;
  coordinatorRetries: number;
  coordinatorConnections: number;
  /** Budget for all upstream calls of one GraphQL operation. */
  requestTimeoutMs: number;
  logLevel: LogLevel;
  /** Development mode: field suggestions and error details for local work. */
  dev: boolean;
  introspection: boolean;
  /** Poll interval of a running resource; queued ones poll slower, failing ones back off. */
  pollIntervalMs: number;
  pollMaxIntervalMs: number;
  /** A subscription ends with UPSTREAM_UNAVAILABLE after the coordinator failed this long. */
  pollGiveUpMs: number;
  /** graphql-ws keep-alive ping interval. */
  wsKeepAliveMs: number;
  /** On SIGTERM, how long /ready answers 503 before sockets close, so load balancers stop routing here. */
  shutdownDrainMs: number;
  /** Set: events over Redis pub/sub, one poller per resource across instances, shared idempotency. */
  redisUrl: string | null;
  /** Deepest selection nesting an operation may have (introspection's `__schema` field excepted). */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexical tokens in one document; checked while parsing, so a huge document stops early. */
  maxTokens: number;
  /** Estimated cost: connection sizes (`first`) multiplied through nesting; see README "Limits". */
  maxCost: number;
  /** Request body size; larger ones get 413 before they are read in full. */
  maxBodyBytes: number;
  /** Consecutive upstream failures of one route that open its circuit breaker; 0 turns it off. */
  breakerThreshold: number;
  /** How long an open breaker fails fast before one probe call may try again. */
  breakerResetMs: number;
  /** `/ready` probes the coordinator at most this often and answers from the cached result. */
  readyIntervalMs: number;
  /** JSON file mapping operation hash → query; `main.ts` reads it. Null: no persisted operations. */
  persistedOperationsFile: string | null;
  /** False: only persisted operations run (needs `persistedOperationsFile`). */
  allowArbitraryOperations: boolean;
  /** OTLP/HTTP traces endpoint; null: no tracing, and the OpenTelemetry SDK is never loaded. */
  otelEndpoint: string | null;
  otelServiceName: string;
  /** Serve Prometheus metrics at `GET /metrics`. */
  metrics: boolean;
  /**
   * Origins whose browser code may call the gateway (CORS); `'*'`: any origin, without
   * credentials. Every origin may read `x-request-id`.
   */
  corsOrigins: '*' | string[];
  /** Allow credentialed cross-origin requests (cookies, HTTP auth); needs an explicit origin list. */
  corsCredentials: boolean;
  emulator: EmulatorConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/** A number from `min` to `max` (an integer when `integer`), or `fallback` when unset. */
function ranged(env: Env, name: string, fallback: number, min: number, max: number, integer: boolean): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(integer ? Number.isInteger(value) : Number.isFinite(value)) || value < min || value > max) {
    throw new ConfigError(name, `expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const int = (env: Env, name: string, fallback: number, min: number, max: number) =>
  ranged(env, name, fallback, min, max, true);
const num = (env: Env, name: string, fallback: number, min: number, max: number) =>
  ranged(env, name, fallback, min, max, false);

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string): string | null {
  const raw = read(env, name);
  if (raw === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(
      name,
      `expected an http(s) URL such as https://scaigrid.example/v1/modules/scaimind, got "${raw}"`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, `expected an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function redisUrl(env: Env, name: string): string | null {
  const raw = read(env, name);
  if (raw === undefined) return null;
  if (!/^rediss?:\/\/[^\s]+$/.test(raw)) {
    throw new ConfigError(
      name,
      `expected redis://host:port[/db] or rediss://..., got "${raw.replace(/:[^:@/]*@/, ':***@')}"`,
    );
  }
  return raw;
}

/** Validates the environment once; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env): Config {
  const nodeEnv = read(env, 'NODE_ENV');
  return {
    host: read(env, 'HOST') ?? '127.0.0.1',
    port: int(env, 'PORT', 4000, 0, 65535),
    coordinatorUrl: url(env, 'COORDINATOR_URL'),
    coordinatorTimeoutMs: int(env, 'COORDINATOR_TIMEOUT_MS', 5000, 1, 120_000),
    coordinatorRetries: int(env, 'COORDINATOR_RETRIES', 3, 1, 10),
    coordinatorConnections: int(env, 'COORDINATOR_CONNECTIONS', 64, 1, 4096),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 15_000, 1, 600_000),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    dev: bool(env, 'GATEWAY_DEV', nodeEnv === 'development'),
    introspection: bool(env, 'INTROSPECTION', true),
    pollIntervalMs: int(env, 'POLL_INTERVAL_MS', 2_000, 50, 600_000),
    pollMaxIntervalMs: int(env, 'POLL_MAX_INTERVAL_MS', 30_000, 50, 3_600_000),
    pollGiveUpMs: int(env, 'POLL_GIVE_UP_MS', 300_000, 1_000, 86_400_000),
    wsKeepAliveMs: int(env, 'WS_KEEPALIVE_MS', 12_000, 1_000, 600_000),
    shutdownDrainMs: int(env, 'SHUTDOWN_DRAIN_MS', 0, 0, 120_000),
    redisUrl: redisUrl(env, 'REDIS_URL'),
    maxDepth: int(env, 'MAX_DEPTH', 12, 1, 1_000),
    maxAliases: int(env, 'MAX_ALIASES', 15, 0, 10_000),
    maxDirectives: int(env, 'MAX_DIRECTIVES', 50, 0, 10_000),
    maxTokens: int(env, 'MAX_TOKENS', 1_000, 10, 1_000_000),
    maxCost: int(env, 'MAX_COST', 1_000, 1, 100_000_000),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 100_000, 1_000, 100_000_000),
    breakerThreshold: int(env, 'COORDINATOR_BREAKER_THRESHOLD', 5, 0, 10_000),
    breakerResetMs: int(env, 'COORDINATOR_BREAKER_RESET_MS', 10_000, 100, 3_600_000),
    readyIntervalMs: int(env, 'READY_PROBE_INTERVAL_MS', 5_000, 100, 600_000),
    persistedOperationsFile: read(env, 'PERSISTED_OPERATIONS') ?? null,
    allowArbitraryOperations: allowArbitrary(env),
    otelEndpoint: url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
    otelServiceName: read(env, 'OTEL_SERVICE_NAME') ?? 'scaimind-gateway',
    metrics: bool(env, 'METRICS', true),
    ...cors(env),
    emulator: loadEmulatorConfig(env),
  };
}

function cors(env: Env): Pick<Config, 'corsOrigins' | 'corsCredentials'> {
  const raw = read(env, 'CORS_ORIGINS') ?? '*';
  const corsCredentials = bool(env, 'CORS_CREDENTIALS', false);
  if (raw === '*') {
    if (corsCredentials) {
      throw new ConfigError('CORS_CREDENTIALS', 'true needs CORS_ORIGINS to list the allowed origins, not *');
    }
    return { corsOrigins: '*', corsCredentials };
  }
  const corsOrigins = raw.split(',').map((origin) => origin.trim().replace(/\/+$/, ''));
  for (const origin of corsOrigins) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || parsed.origin !== origin) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `expected * or comma-separated origins like https://app.example, got "${origin}"`,
      );
    }
  }
  return { corsOrigins, corsCredentials };
}

/** Refusing arbitrary operations without a list of persisted ones would refuse everything. */
function allowArbitrary(env: Env): boolean {
  const allow = bool(env, 'ALLOW_ARBITRARY_OPERATIONS', true);
  if (!allow && read(env, 'PERSISTED_OPERATIONS') === undefined) {
    throw new ConfigError('ALLOW_ARBITRARY_OPERATIONS', 'false needs PERSISTED_OPERATIONS=<file> as well');
  }
  return allow;
}

export function loadEmulatorConfig(env: Env): EmulatorConfig {
  const rateLimit = int(env, 'EMULATOR_RATE_LIMIT', 0, 0, 1_000_000);
  return {
    port: int(env, 'EMULATOR_PORT', 4010, 0, 65535),
    speed: num(env, 'EMULATOR_SPEED', 1, 0, 10_000),
    resultShape: oneOf(env, 'EMULATOR_RESULT_SHAPE', ['list', 'map', 'legacy'] as const, 'list'),
    seedJobs: int(env, 'EMULATOR_SEED_JOBS', 36, 30, 100_000),
    rateLimitPerMinute: rateLimit === 0 ? null : rateLimit,
    latencyMs: int(env, 'EMULATOR_LATENCY_MS', 0, 0, 60_000),
  };
}

/** Defaults for tests and embedding: `loadConfig({})` plus overrides. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides };
}
