import type { IncomingMessage, ServerResponse } from 'node:http';
import { iso } from './clock.js';
import type { Drift, DriftProfileName } from './drift.js';
import { ApiError } from './errors.js';
import { parseJsonObject, readBody, sendError, sendJson } from './http.js';
import { type EmulatorStats, type FaultKind, type FaultSpec, RESULT_SHAPES, type ResultShape } from './types.js';
import { isObject } from './validation.js';

/** What the HTTP control API can do; the in-process Emulator exposes the same operations. */
export interface Controls {
  now(): number;
  advance(ms: number): void;
  reset(): void;
  setFaults(faults: FaultSpec[]): void;
  setResultShape(shape: ResultShape): void;
  setProfile(profile: DriftProfileName | Partial<Drift>): void;
  stats(): EmulatorStats;
  resetStats(): void;
}

/** `{"route", "kind", "status", "code", "retry_after", "latency_ms", "probability", "count", "after_handling", "after_events"}` → FaultSpec */
function faultFromWire(raw: unknown, index: number): FaultSpec {
  if (!isObject(raw)) throw new ApiError('INVALID_ARGUMENT', `faults[${index}] must be an object`);
  const spec: FaultSpec = { route: String(raw.route ?? ''), kind: raw.kind as FaultKind };
  const numbers: [keyof FaultSpec, string][] = [
    ['status', 'status'],
    ['retryAfter', 'retry_after'],
    ['latencyMs', 'latency_ms'],
    ['probability', 'probability'],
    ['count', 'count'],
    ['afterEvents', 'after_events'],
  ];
  for (const [key, wire] of numbers) {
    const value = raw[wire] ?? raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') throw new ApiError('INVALID_ARGUMENT', `faults[${index}].${wire} must be a number`);
    (spec as unknown as Record<string, number>)[key] = value;
  }
  if (typeof raw.code === 'string') spec.code = raw.code;
  const after = raw.after_handling ?? raw.afterHandling;
  if (after !== undefined && after !== null) {
    if (typeof after !== 'boolean')
      throw new ApiError('INVALID_ARGUMENT', `faults[${index}].after_handling must be a boolean`);
    spec.afterHandling = after;
  }
  return spec;
}

/**
 * The control API under /_emulator (no auth, no faults, no rate limit). Successful replies are plain
 * JSON (GET /_emulator/stats is exactly stats()); errors use the ScaiGrid error envelope.
 */
export async function handleControl(
  controls: Controls,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  requestId: string,
): Promise<void> {
  try {
    const body = req.method === 'POST' ? parseJsonObject(await readBody(req)) : {};
    const route = `${req.method} ${path.replace(/\/+$/, '')}`;
    switch (route) {
      case 'GET /_emulator/stats':
        return sendJson(res, 200, controls.stats());
      case 'POST /_emulator/stats/reset':
        controls.resetStats();
        return sendJson(res, 200, { ok: true });
      case 'POST /_emulator/reset':
        controls.reset();
        return sendJson(res, 200, { ok: true, now: iso(controls.now()) });
      case 'GET /_emulator/clock':
        return sendJson(res, 200, { now: iso(controls.now()), now_ms: controls.now() });
      case 'POST /_emulator/clock': {
        const ms = body.advance_ms;
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
          throw new ApiError('INVALID_ARGUMENT', 'advance_ms must be a number >= 0');
        }
        controls.advance(ms);
        return sendJson(res, 200, { ok: true, now: iso(controls.now()), now_ms: controls.now() });
      }
      case 'POST /_emulator/faults': {
        if (!Array.isArray(body.faults)) throw new ApiError('INVALID_ARGUMENT', 'faults must be a list');
        const faults = body.faults.map(faultFromWire);
        try {
          controls.setFaults(faults);
        } catch (error) {
          throw new ApiError('INVALID_ARGUMENT', error instanceof Error ? error.message : String(error));
        }
        return sendJson(res, 200, { ok: true, faults: faults.length });
      }
      case 'POST /_emulator/result-shape': {
        const shape = body.shape;
        if (!RESULT_SHAPES.includes(shape as ResultShape)) {
          throw new ApiError('INVALID_ARGUMENT', `shape must be one of ${RESULT_SHAPES.join(', ')}`);
        }
        controls.setResultShape(shape as ResultShape);
        return sendJson(res, 200, { ok: true, shape });
      }
      case 'POST /_emulator/profile': {
        const profile = body.profile;
        if (
          typeof profile !== 'string' &&
          (typeof profile !== 'object' || profile === null || Array.isArray(profile))
        ) {
          throw new ApiError('INVALID_ARGUMENT', 'profile must be a profile name or an object of variants');
        }
        try {
          controls.setProfile(profile as DriftProfileName | Partial<Drift>);
        } catch (error) {
          throw new ApiError('INVALID_ARGUMENT', error instanceof Error ? error.message : String(error));
        }
        return sendJson(res, 200, { ok: true });
      }
      default:
        throw new ApiError('NOT_FOUND', `No emulator control route ${route}`);
    }
  } catch (error) {
    sendError(res, requestId, error instanceof ApiError ? error : new ApiError('INTERNAL', String(error)));
  }
}
