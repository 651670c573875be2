/** Documents and helpers shared by the job-stream tests (logs and metrics subscriptions). */
import { expect } from 'vitest';
import type { Recording } from './live-stack.js';

export const JOB_LOGS = /* GraphQL */ `
  subscription Logs($id: ID!, $tail: Int, $since: String) {
    trainingJobLogs(id: $id, tail: $tail, since: $since) { droppedLines lines { sequence level message step timestamp } }
  }
`;

export const JOB_METRICS = /* GraphQL */ `
  subscription Metrics($id: ID!, $names: [String!]) {
    trainingJobMetrics(id: $id, names: $names) { droppedSnapshots snapshots { sequence step values { name value } } }
  }
`;

export interface Line {
  sequence: string;
  level: string;
  message: string;
  step: number | null;
}

export function linesOf(recording: Recording): Line[] {
  return recording.events.flatMap((event) => (event.trainingJobLogs as { lines: Line[] }).lines);
}

export function droppedOf(recording: Recording): number {
  return recording.events.reduce(
    (sum, event) => sum + (event.trainingJobLogs as { droppedLines: number }).droppedLines,
    0,
  );
}

/** Sequences are dense in the emulator: a gap or a repeat shows as a break in this run. */
export function expectContiguous(lines: Line[]): void {
  const numbers = lines.map((line) => Number(line.sequence));
  const first = numbers[0] ?? 0;
  expect(numbers).toEqual(numbers.map((_, i) => first + i));
}
