/** Time-series charts on uPlot: a few kilobytes, canvas-drawn, made for series that grow live. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartLine {
  label: string;
  /** Lines sharing a scale share a y axis; the first scale is on the left, the second on the right. */
  scale: string;
  color: string;
  values: ReadonlyArray<number | null>;
  dash?: number[];
}

export interface ChartProps {
  x: readonly number[];
  xLabel: string;
  lines: readonly ChartLine[];
  height?: number;
  testId?: string;
  /** Formats a right-axis tick (e.g. learning rates as 2e-4). */
  rightTicks?: (value: number) => string;
  /** The x axis is a category axis of these names (e.g. checkpoints), not numbers. */
  xNames?: readonly string[];
  points?: boolean;
}

function axisLabel(lines: readonly ChartLine[], scale: string): string {
  const same = lines.filter((l) => l.scale === scale);
  return same.length === 1 ? (same[0]?.label ?? scale) : scale;
}

function toData(props: ChartProps): uPlot.AlignedData {
  return [props.x as number[], ...props.lines.map((line) => line.values as (number | null)[])];
}

export function Chart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = `${props.lines.map((l) => `${l.label}:${l.scale}`).join('|')}|${props.xNames?.join(',') ?? ''}`;

  // Rebuilt only when the set of lines changes; new data goes through setData below.
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const scales = [...new Set(props.lines.map((line) => line.scale))];
    const names = props.xNames;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 300),
      height: props.height ?? 240,
      scales: { x: { time: false }, ...Object.fromEntries(scales.map((s) => [s, {}])) },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: props.xLabel, value: names ? (_u, v) => (v == null ? '—' : (names[v] ?? String(v))) : undefined },
        ...props.lines.map((line) => ({
          label: line.label,
          scale: line.scale,
          stroke: line.color,
          width: 2,
          dash: line.dash,
          spanGaps: true,
          points: { show: props.points ?? false, size: 6 },
        })),
      ],
      axes: [
        {
          label: props.xLabel,
          ...(names
            ? {
                values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (Number.isInteger(t) ? (names[t] ?? '') : '')),
              }
            : {}),
        },
        ...scales.map((scale, index) => ({
          scale,
          // One line names its axis; several share the scale's name (the legend tells them apart).
          label: axisLabel(props.lines, scale),
          side: index === 0 ? 3 : 1,
          size: 64,
          grid: { show: index === 0 },
          ...(index > 0 && props.rightTicks
            ? {
                values: (_u: uPlot, ticks: number[]) =>
                  ticks.map((t) => (props.rightTicks as (v: number) => string)(t)),
              }
            : {}),
        })),
      ],
    };
    plot.current = new uPlot(options, toData(props), element);
    const observer = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(element.clientWidth, 300), height: props.height ?? 240 }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(toData(props));
  });

  return <div class="chart" ref={host} data-testid={props.testId} data-points={props.x.length} />;
}
