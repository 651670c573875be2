/**
 * What the bench's hand-written servers (the Apollo peer, the naive gateway) need to read an
 * evaluation listing item: the contract lists evaluations as job-shaped workload records (the
 * evaluation's own id under `job_id`, the evaluated job in `labels.parent_job_id`); older
 * coordinators list evaluation records (`evaluation_id`, evaluated job under `job_id`).
 */
type Json = Record<string, unknown>;

export function evaluationIdOf(item: Json): unknown {
  return item.evaluation_id ?? item.job_id;
}

export function evaluatedJobOf(item: Json): string {
  const labels = item.labels as Json | undefined;
  return String(item.evaluation_id === undefined ? labels?.parent_job_id : item.job_id);
}
