/**
 * Time against events on log-log axes, rendered with vega-lite → vega (SVG) → resvg (PNG). Vega is ESM with
 * top-level await, so it is loaded with a dynamic import.
 */

export interface PlotPoint {
  events: number;
  seconds: number;
  series: string;
}

export async function timePlotPng(points: PlotPoint[], title: string): Promise<Buffer> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const { Resvg } = await import('@resvg/resvg-js');
  const spec = vl.compile({
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
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return Buffer.from(new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom', value: 2 } }).render().asPng());
}
