/**
 * The bench plots (time against events on log-log axes; match-probability calibration), rendered with vega-lite →
 * vega (SVG) → resvg (PNG). Vega is ESM with top-level await, so it is loaded with a dynamic import.
 */
import type { TopLevelSpec } from 'vega-lite';

/** A vega-lite spec as a PNG at twice its size. */
async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const { Resvg } = await import('@resvg/resvg-js');
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return Buffer.from(
    new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom', value: 2 } })
      .render()
      .asPng(),
  );
}

export interface PlotPoint {
  events: number;
  seconds: number;
  series: string;
}

export async function timePlotPng(points: PlotPoint[], title: string): Promise<Buffer> {
  return renderPng({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 340,
    background: 'white',
    data: { values: points },
    mark: { type: 'line', point: { size: 60 }, strokeWidth: 2 },
    encoding: {
      x: { field: 'events', type: 'quantitative', title: 'events', scale: { type: 'log' }, axis: { format: '~s' } },
      y: { field: 'seconds', type: 'quantitative', title: 'wall time (s)', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top-left', labelLimit: 400 } },
    },
    config: { font: 'DejaVu Sans' },
  });
}

export interface CalibrationPoint {
  /** Mean predicted match probability of a band's inferred rows. */
  predicted: number;
  /** Share of them that were right. */
  observed: number;
  rows: number;
  series: string;
}

/**
 * Predicted probability against observed precision, one line per series (data size), a point per band sized by its
 * rows, over the diagonal a calibrated stitcher would follow.
 */
export async function calibrationPlotPng(points: CalibrationPoint[], title: string): Promise<Buffer> {
  // Matches sit above the minimum probability: the axes start at 50%, or lower when a point does.
  const low = Math.min(0.5, Math.floor(10 * Math.min(...points.flatMap((p) => [p.predicted, p.observed]))) / 10);
  const axis = (title: string) => ({ type: 'quantitative' as const, title, scale: { domain: [low, 1] }, axis: { format: '.0%' } });
  return renderPng({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 420,
    height: 420,
    background: 'white',
    layer: [
      {
        data: { values: [{ p: low }, { p: 1 }] },
        mark: { type: 'line', strokeDash: [4, 4], color: '#888' },
        encoding: {
          x: { field: 'p', ...axis('mean predicted match probability (band)') },
          y: { field: 'p', ...axis('observed precision') },
        },
      },
      {
        data: { values: points },
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x: { field: 'predicted', ...axis('mean predicted match probability (band)') },
          y: { field: 'observed', ...axis('observed precision') },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top-left', labelLimit: 400 } },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true },
        encoding: {
          x: { field: 'predicted', type: 'quantitative' },
          y: { field: 'observed', type: 'quantitative' },
          size: { field: 'rows', type: 'quantitative', title: 'inferred rows', legend: { orient: 'bottom-right' } },
          color: { field: 'series', type: 'nominal' },
        },
      },
    ],
    config: { font: 'DejaVu Sans' },
  });
}
