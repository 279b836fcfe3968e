import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface SeriesSpec {
  label: string;
  color: string;
  /** Values per point, aligned with the x (seconds) array. */
  values: (number | null)[];
  fill?: boolean;
}

interface Props {
  title: string;
  x: number[];
  series: SeriesSpec[];
  /** How a y value reads on the axis and in the legend. */
  format: (v: number | null) => string;
  height?: number;
  /** Whole-number figures (packet counts): no 0.5 ticks. */
  integer?: boolean;
}

// Whole seconds on the time axis, even while there are only a few points.
const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
const INT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000, 1000000];

/** The page's own colours (light or dark scheme) for what uPlot paints on its canvas. */
function themeColour(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** A live uPlot line chart that follows its container's width. */
export function Chart({ title, x, series, format, height = 180, integer = false }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = box.current!;
    const text = themeColour('--muted', '#9fb0c5');
    const line = themeColour('--line', '#2a3545');
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1) * 1.1] } },
      axes: [
        { stroke: text, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 }, incrs: TIME_INCRS },
        { stroke: text, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 }, size: 80,
          incrs: integer ? INT_INCRS : undefined, values: (_u, vals) => vals.map((v) => format(v)) },
      ],
      series: [
        { label: 'time' },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: s.fill ? `${s.color}33` : undefined,
          value: (_u: uPlot, v: number | null) => format(v),
          spanGaps: false,
        })),
      ],
    };
    const u = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of series changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labels, height, integer]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  });

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-box" role="img" aria-label={`${title} chart, last ${x.length} seconds`} />
    </figure>
  );
}
