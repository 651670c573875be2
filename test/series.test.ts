/** Downsampling for charts: bounded, and no spike ever disappears, however long the series. */
import { describe, expect, it } from 'vitest';
import { downsample, SeriesBuilder, type SeriesPoint } from '../src/series.js';

const point = (step: number, value: number): SeriesPoint => ({ step, value, recordedAt: null });

/** A smooth decay with one spike and one dip, like a loss curve with an incident. */
function curve(length: number, spikeAt: number, dipAt: number): SeriesPoint[] {
  return Array.from({ length }, (_, step) =>
    point(step, step === spikeAt ? 50 : step === dipAt ? -5 : 2 * Math.exp(-step / length) + (step % 7) / 100),
  );
}

describe('downsample (M4)', () => {
  it('keeps at most maxPoints: the first, the last, and each bucket’s extremes', () => {
    const points = curve(10_000, 6_789, 1_234);
    for (const maxPoints of [4, 5, 9, 100, 999]) {
      const kept = downsample(points, maxPoints);
      expect(kept.length).toBeLessThanOrEqual(maxPoints);
      expect(kept[0]).toEqual(points[0]);
      expect(kept.at(-1)).toEqual(points.at(-1));
      expect(kept).toContainEqual(point(6_789, 50));
      expect(kept).toContainEqual(point(1_234, -5));
      expect(kept.map((p) => p.step)).toEqual([...kept.map((p) => p.step)].sort((a, b) => a - b));
    }
  });

  it('returns a series that already fits unchanged', () => {
    const points = curve(10, 3, 4);
    expect(downsample(points, 10)).toEqual(points);
  });
});

describe('SeriesBuilder', () => {
  it('stays bounded while a long history streams in, out of order, and still keeps the spike', () => {
    const builder = new SeriesBuilder(64);
    const points = curve(100_000, 77_777, 5);
    // Arrival order: the second half first, as a live window merged into older history would be.
    for (const p of [...points.slice(50_000), ...points.slice(0, 50_000)]) builder.add(p);
    expect(builder.sorted().length).toBeLessThan(128);
    const result = builder.result(32);
    expect(result.length).toBeLessThanOrEqual(32);
    expect(result).toContainEqual(point(77_777, 50));
    expect(result[0]).toEqual(points[0]);
    expect(result.at(-1)).toEqual(points.at(-1));
  });

  it('keeps the later value of a step reported twice', () => {
    const builder = new SeriesBuilder(64);
    builder.add(point(10, 1));
    builder.add(point(10, 2));
    expect(builder.result(10)).toEqual([point(10, 2)]);
    expect(builder.size).toBe(1);
  });
});
