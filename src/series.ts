/**
 * Metric series for charts: points by step, and min/max-preserving downsampling.
 *
 * Downsampling is M4 (first, last, minimum and maximum of each bucket of steps): drawn as a line,
 * the result looks like the full series, and a spike is always the extreme of its bucket, so it
 * never disappears. A series is compacted while it is being built, so memory stays bounded by the
 * working size however long the history is, and compacting twice still keeps every extreme.
 */

export interface SeriesPoint {
  step: number;
  value: number;
  recordedAt: string | null;
}

/** The smallest `maxPoints` M4 can honour (one bucket). */
export const MIN_POINTS = 4;

/** At most `maxPoints` points of `points` (sorted by step), keeping each bucket's first, last, min and max. */
export function downsample(points: readonly SeriesPoint[], maxPoints: number): SeriesPoint[] {
  if (points.length <= maxPoints) return [...points];
  const first = points[0] as SeriesPoint;
  const last = points[points.length - 1] as SeriesPoint;
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const span = last.step - first.step + 1;
  const out: SeriesPoint[] = [];
  let start = 0;
  for (let b = 0; b < buckets && start < points.length; b++) {
    // Buckets are equal ranges of steps (the chart's x axis), not equal counts of points.
    const upper = first.step + (span * (b + 1)) / buckets;
    let end = start;
    while (end < points.length && (points[end] as SeriesPoint).step < upper) end++;
    if (b === buckets - 1) end = points.length;
    if (end === start) continue;
    let min = start;
    let max = start;
    for (let i = start + 1; i < end; i++) {
      if ((points[i] as SeriesPoint).value < (points[min] as SeriesPoint).value) min = i;
      if ((points[i] as SeriesPoint).value > (points[max] as SeriesPoint).value) max = i;
    }
    for (const i of [...new Set([start, min, max, end - 1])].sort((x, y) => x - y)) out.push(points[i] as SeriesPoint);
    start = end;
  }
  return out;
}

/**
 * Builds one series from points arriving in any order: one point per step (a later arrival for
 * the same step replaces the earlier one), compacted to `workingSize` whenever it doubles.
 */
export class SeriesBuilder {
  private points = new Map<number, SeriesPoint>();
  /** Distinct steps compacted away so far. */
  private compacted = 0;

  constructor(private readonly workingSize: number) {}

  add(point: SeriesPoint): void {
    this.points.set(point.step, point);
    if (this.points.size >= this.workingSize * 2) {
      const kept = downsample(this.sorted(), this.workingSize);
      this.compacted += this.points.size - kept.length;
      this.points = new Map(kept.map((p) => [p.step, p]));
    }
  }

  /** Points of the series before any downsampling (a step compacted away and seen again counts twice). */
  get size(): number {
    return this.compacted + this.points.size;
  }

  sorted(): SeriesPoint[] {
    return [...this.points.values()].sort((a, b) => a.step - b.step);
  }

  /** The series, at most `maxPoints` points. */
  result(maxPoints: number): SeriesPoint[] {
    return downsample(this.sorted(), maxPoints);
  }
}
