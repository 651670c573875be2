/**
 * The load generator process: autocannon, driven by the harness over IPC so that one process
 * serves a variant's warm-up and all its rounds (the harness samples CPU time and upstream counts
 * between runs). Started by `bench/lib/load.ts`; not meant to be run by hand.
 *
 * Message in:  { type: 'run', id, spec: LoadSpec }
 * Message out: { type: 'result', id, result: LoadResult } or { type: 'error', id, message }
 */
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './lib/load.js';

type Verify = (body: string) => boolean;

function verifier(kind: LoadSpec['verify']): Verify | undefined {
  switch (kind) {
    case 'graphql':
      return (body) => body.startsWith('{"data"') && !body.includes('"errors"');
    case 'mutation':
      // A mutation that "succeeds" with userErrors did not do the work being measured.
      return (body) => body.startsWith('{"data"') && !body.includes('"errors"') && body.includes('"userErrors":[]');
    case 'json':
      return (body) => body.startsWith('{');
    default:
      return undefined;
  }
}

function run(spec: LoadSpec): Promise<LoadResult> {
  const verify = verifier(spec.verify);
  return new Promise((resolve, reject) => {
    const options: autocannon.Options = {
      url: spec.url,
      method: spec.method,
      headers: spec.headers,
      connections: spec.connections,
      duration: spec.durationS,
      timeout: spec.timeoutS ?? 10,
      pipelining: 1,
    };
    if (spec.body !== undefined) options.body = spec.body;
    if (spec.idReplacement) options.idReplacement = true;
    if (spec.requests) {
      options.requests = spec.requests.map((request) => ({
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body,
      }));
    }
    if (verify) options.verifyBody = (body) => verify(String(body));
    autocannon(options, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      const seconds = result.duration;
      const good = result['2xx'] - result.mismatches;
      resolve({
        requests: result.requests.total,
        good,
        durationS: seconds,
        rps: good / seconds,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        avgMs: result.latency.average,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        mismatches: result.mismatches,
      });
    });
  });
}

process.on('message', (message: { type: string; id: number; spec: LoadSpec }) => {
  if (message.type !== 'run') return;
  run(message.spec).then(
    (result) => process.send?.({ type: 'result', id: message.id, result }),
    (error: unknown) => process.send?.({ type: 'error', id: message.id, message: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.stdout.write('loadgen ready\n');
