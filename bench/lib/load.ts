/** The harness side of the load generator process (`bench/loadgen.ts`). */
import { type Proc, spawnNode } from './procs.js';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  /** Base URL; with `requests`, their paths are relative to its origin. */
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** A sequence each connection walks through in order, then starts over. */
  requests?: LoadRequest[];
  /** Replace `[<id>]` in bodies with a fresh id per request (autocannon `idReplacement`). */
  idReplacement?: boolean;
  connections: number;
  durationS: number;
  timeoutS?: number;
  /** How a reply counts as good: GraphQL data without errors, mutation without userErrors, any JSON object. */
  verify: 'graphql' | 'mutation' | 'json' | 'none';
}

export interface LoadResult {
  /** Completed requests. */
  requests: number;
  /** 2xx replies that passed verification. */
  good: number;
  durationS: number;
  /** Good replies per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  avgMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
}

export interface LoadGen {
  readonly proc: Proc;
  run(spec: LoadSpec): Promise<LoadResult>;
  stop(): Promise<void>;
}

export async function startLoadGen(cpus: string | null): Promise<LoadGen> {
  const proc = await spawnNode('loadgen', {
    script: 'bench/loadgen.ts',
    cpus,
    ready: /^loadgen (ready)$/,
    ipc: true,
  });
  let next = 1;
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  proc.child.on('message', (message: { type: string; id: number; result?: LoadResult; message?: string }) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.type === 'result' && message.result) waiter.resolve(message.result);
    else waiter.reject(new Error(`loadgen: ${message.message ?? 'unknown failure'}`));
  });
  proc.child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('loadgen exited'));
    pending.clear();
  });
  return {
    proc,
    run(spec) {
      const id = next++;
      return new Promise((resolve, reject) => {
        if (proc.exited() || !proc.child.connected) {
          reject(new Error('loadgen is not running'));
          return;
        }
        pending.set(id, { resolve, reject });
        proc.child.send({ type: 'run', id, spec }, (error) => {
          if (!error) return;
          pending.delete(id);
          reject(error);
        });
      });
    },
    stop: () => proc.stop(),
  };
}
