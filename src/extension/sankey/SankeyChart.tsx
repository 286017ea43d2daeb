/**
 * Draws SankeyData with d3-sankey's layout in plain SVG (React owns the DOM). Columns are steps; the transform
 * already decided nodes, Other and Drop-off. Hovering shows counts and shares. The diagram is one tab stop: arrow keys
 * move between nodes (../rovingFocus.ts), Enter or Space does what a click does, and a focused node shows its tooltip and
 * describes its outgoing links, which are not focusable themselves.
 */
import { useMemo, useRef, useState, useEffect } from 'react';
import { sankey, sankeyLinkHorizontal, type SankeyNode, type SankeyLink } from 'd3-sankey';
import { Card, Paragraph, VisuallyHidden } from '@looker/components';
import styled from 'styled-components';
import type { Measure } from '../journeys/viewState';
import { countOf, measureCount, plural } from '../text';
import { useRovingFocus, type NodePlace } from '../rovingFocus';
import { assignSwatches, focusSwatches, nodePaint, swatch } from './palette';
import { commonSuffix, shortLabel } from './labels';
import { linkFocusId, share, type SankeyData, type SankeyLinkDatum, type SankeyNodeDatum } from './transform';

/** The denominators of a tooltip's shares; `focused` says whether the drawn journeys are a focused subset. */
export interface ShareBase {
  total: number;
  allTotal: number;
  focused: boolean;
}

/**
 * "25% of all" divides by every journey in the diagram; while focused the share of the focused journeys comes first,
 * so neither figure is passed off as the other.
 */
function sharesOf(value: number, base: ShareBase): string {
  const all = `${pct(share(value, base.allTotal))} of all`;
  return base.focused ? `${pct(share(value, base.total))} of focused journeys, ${all}` : all;
}

type LaidNode = SankeyNode<SankeyNodeDatum, SankeyLinkDatum>;
type LaidLink = SankeyLink<SankeyNodeDatum, SankeyLinkDatum>;

/** Approximate width of a 12px label character, to fit labels in the gap between columns. */
const CHAR_WIDTH = 6.6;
/** Vertical room per node, so a column of many nodes grows the chart instead of squashing them. */
const ROW_HEIGHT = 34;
/** Nodes thinner than this get no text label (it would overlap its neighbours); the tooltip still names them. */
const MIN_LABELLED_HEIGHT = 9;
const MARGIN = { top: 28, right: 8, bottom: 8, left: 8 };
const NODE_WIDTH = 12;

/** Room right of the last column for its labels, so every label can sit right of its node. */
const lastLabelRoom = (width: number) => Math.min(200, Math.round(width * 0.15));

/** The keyboard focus ring: a rectangle 4px outside the node's bar. */
const ringPath = (x0: number, y0: number, x1: number, y1: number) => `M${x0 - 4},${y0 - 4}H${x1 + 4}V${y1 + 4}H${x0 - 4}Z`;
const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.01 ? 1 : 0)}%`;
const fmt = (n: number) => n.toLocaleString('en-US');
const truncate = (s: string, chars: number) => (s.length > chars ? `${s.slice(0, chars - 1)}…` : s);

export interface SankeyChartProps {
  data: SankeyData;
  /** What the widths count, for the tooltips. */
  unit: Measure;
  /** The focused node id, or a link's focus (linkFocusId). */
  focus: string | null;
  onNodeClick: (nodeId: string) => void;
  /** A click on a link; none: links take no clicks. */
  onLinkClick?: (source: string, target: string) => void;
  /** More words for a link's tooltip (e.g. the median time between its steps). */
  linkNote?: (link: SankeyLinkDatum) => string | null;
  /** More words for a node's tooltip. */
  nodeNote?: (node: SankeyNodeDatum) => string | null;
  /** Swatches to use instead of the chart's own (two charts compared side by side share them). */
  swatches?: ReadonlyMap<string, number>;
  /** Names the diagram for screen readers, before "Journey Sankey of …" (two charts side by side). */
  title?: string;
  height?: number;
  /** A column's name in its title and the tooltips ("Step 3", "3 steps before"); default "Step n". */
  columnName?: (step: number) => string;
}

const stepName = (step: number) => `Step ${step}`;

/** Read with the diagram's name when it takes focus: the roving keys are not discoverable otherwise. */
export const KEYBOARD_HELP =
  'Arrow keys move between nodes: up and down within a step, left and right across steps; Home and End go to the ' +
  'top and bottom of a step. Enter or Space focuses the journeys through a node, or clears that focus.';

/** Pattern and description ids are document-wide: each chart gets its own prefix. */
let chartCount = 0;

/** The striped and dotted swatches in use, as SVG patterns (user space, so a link's stroke shows them too). */
function SwatchPatterns({ used, id }: { used: readonly number[]; id: (i: number) => string }) {
  return (
    <defs>
      {used.map((i) => {
        const { color, treatment } = swatch(i);
        if (treatment === 'solid') return null;
        return (
          <pattern
            key={i}
            id={id(i)}
            width={6}
            height={6}
            patternUnits="userSpaceOnUse"
            patternTransform={treatment === 'stripes' ? 'rotate(45)' : undefined}
          >
            <rect width={6} height={6} fill="#fff" />
            {treatment === 'stripes' ? <rect width={3} height={6} fill={color} /> : <circle cx={3} cy={3} r={2} fill={color} />}
          </pattern>
        );
      })}
    </defs>
  );
}

function useWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/** "; 6 converted (15.0%)": the node's conversion rate, when the rows carried conversions. */
export function conversionText(n: Pick<SankeyNodeDatum, 'value' | 'conversions'>): string {
  if (n.conversions === undefined) return '';
  return `; ${n.conversions.toLocaleString('en-US')} converted (${n.value > 0 ? pct(n.conversions / n.value) : 'n/a'})`;
}
/** "; 3 of them by a name-matched (inferred) event": said in words, the hatching is not the only cue. */
const inferredText = (inferred: number | undefined, value: number) =>
  inferred ? `; ${inferred === value ? 'all' : fmt(inferred)} of them by a name-matched (inferred) event` : '';

export function nodeTooltip(n: SankeyNodeDatum, base: ShareBase, unit: Measure, columnName: (step: number) => string = stepName): string {
  const count = measureCount(n.value, unit);
  if (n.kind === 'dropoff')
    return `Drop-off after step ${n.step - 1}: ${count} ${plural(n.value, 'ends', 'end')} here (${sharesOf(n.value, base)})${conversionText(n)}`;
  const name = n.kind === 'other' ? 'Other (labels outside the top per step)' : n.label;
  return `${name}, ${columnName(n.step).toLowerCase()}: ${count} (${sharesOf(n.value, base)}${inferredText(n.inferred, n.value)})${conversionText(n)}`;
}

export function linkTooltip(
  source: SankeyNodeDatum,
  target: SankeyNodeDatum,
  value: number,
  base: ShareBase,
  unit: Measure,
  inferred = 0,
): string {
  const to = target.kind === 'dropoff' ? 'drop-off' : target.label;
  return `${source.label} → ${to}: ${measureCount(value, unit)} (${pct(share(value, source.value))} of ${source.label}, ${sharesOf(value, base)}${inferredText(inferred, value)})`;
}

const withNote = (text: string, note: string | null | undefined) => (note ? `${text}; ${note}` : text);

/** A laid-out link as the transform made it: d3-sankey replaces its source and target ids with the nodes. */
const plainLink = (l: LaidLink): SankeyLinkDatum => ({
  source: (l.source as LaidNode).id,
  target: (l.target as LaidNode).id,
  value: l.value,
  inferred: l.inferred,
});

export function SankeyChart({
  data,
  unit,
  focus,
  onNodeClick,
  onLinkClick,
  linkNote,
  nodeNote,
  swatches: sharedSwatches,
  title,
  height: minHeight = 480,
  columnName = stepName,
}: SankeyChartProps) {
  const { ref, width } = useWidth(960);
  const [hover, setHover] = useState<{ text: string; x: number; y: number } | null>(null);
  const base: ShareBase = { total: data.total, allTotal: data.allTotal, focused: focus !== null };
  // Assigned on the diagram before focus and kept while focused: focusing a node recolours nothing.
  const swatches = useMemo(() => focusSwatches(data.nodes, sharedSwatches ?? assignSwatches(data.allNodes)), [data, sharedSwatches]);
  const [chartId] = useState(() => `sankey-${++chartCount}`);
  const patternId = (i: number) => `${chartId}-swatch-${i}`;
  // The node last focused or moved to keeps the tab stop while it is drawn.
  const roving = useRovingFocus<SVGGElement>(focus);
  const paint = (n: SankeyNodeDatum) => nodePaint(n.kind, swatches.get(n.id), patternId);
  const columns = data.nodes.reduce((m, n) => Math.max(m, n.step), 0);
  // Journeys anchored at the end may leave the first columns empty: the chart starts at the first one drawn.
  const firstColumn = data.nodes.reduce((m, n) => Math.min(m, n.step), columns);
  const busiestColumn = Math.max(0, ...Array.from({ length: columns }, (_, i) => data.nodes.filter((n) => n.step === i + 1).length));
  const height = Math.max(minHeight, busiestColumn * ROW_HEIGHT + MARGIN.top + MARGIN.bottom);

  const layout = useMemo(() => {
    if (data.nodes.length === 0) return null;
    const order = new Map(data.nodes.map((n, i) => [n.id, i]));
    const generator = sankey<SankeyNodeDatum, SankeyLinkDatum>()
      .nodeId((n) => n.id)
      // Each node in its own step's column (links only join neighbouring columns).
      .nodeAlign((n) => n.step - firstColumn)
      .nodeWidth(NODE_WIDTH)
      .nodePadding(14)
      .nodeSort((a, b) => order.get(a.id)! - order.get(b.id)!)
      .extent([
        [MARGIN.left, MARGIN.top],
        [Math.max(width, 320) - MARGIN.right - lastLabelRoom(width), height - MARGIN.bottom],
      ]);
    // fixedValue: a journey of one step (only the conversion, before it nothing) has no link to size its node.
    const laid = generator({ nodes: data.nodes.map((n) => ({ ...n, fixedValue: n.value })), links: data.links.map((l) => ({ ...l })) });
    // One column (a focus on such a journey): d3-sankey spreads columns over the width, dividing by columns - 1.
    for (const n of laid.nodes) if (!Number.isFinite(n.x0)) Object.assign(n, { x0: MARGIN.left, x1: MARGIN.left + NODE_WIDTH });
    return laid;
  }, [data, width, height, firstColumn]);

  if (!layout) return null;
  const path = sankeyLinkHorizontal<SankeyNodeDatum, SankeyLinkDatum>();
  /** Labels sit right of their node, in the gap before the next column (or the room kept after the last one). */
  const column = (step: number) => layout.nodes.find((x) => x.step === step);
  const gap = columns > firstColumn ? (column(firstColumn + 1)?.x0 ?? 0) - (column(firstColumn)?.x1 ?? 0) : lastLabelRoom(width);
  /** Label characters that fit a space, leaving room for the count. */
  const charsFor = (space: number) => Math.max(6, Math.min(40, Math.floor((space - 16) / CHAR_WIDTH) - 6));
  const labelChars = (step: number) => charsFor(step === columns ? Math.min(gap, lastLabelRoom(width)) : gap);
  const show = (text: string) => (e: React.MouseEvent) => {
    const box = ref.current?.getBoundingClientRect();
    setHover({ text, x: e.clientX - (box?.left ?? 0) + 12, y: e.clientY - (box?.top ?? 0) + 12 });
  };
  const laidNodes = layout.nodes as LaidNode[];
  const laidLinks = layout.links as LaidLink[];
  const places: NodePlace[] = laidNodes.map((n) => ({ id: n.id, step: n.step, y: ((n.y0 ?? 0) + (n.y1 ?? 0)) / 2 }));
  const tabStop = roving.tabStop(laidNodes.map((n) => n.id));
  /** What flows out of a node, in the links' own tooltip words: links are described, not focused. */
  const outgoing = (n: LaidNode) =>
    laidLinks
      .filter((l) => (l.source as LaidNode).id === n.id)
      .map((l) => withNote(linkTooltip(n, l.target as LaidNode, l.value, base, unit, l.inferred), linkNote?.(plainLink(l))))
      .join('; ');
  const drawnColumns = columns - firstColumn + 1;
  // The site's name most page titles end with is left off the drawn labels (not the tooltips).
  const suffix = commonSuffix(laidNodes.filter((n) => n.kind === 'step').map((n) => n.label));

  return (
    <ChartBox ref={ref}>
      <VisuallyHidden id={`${chartId}-help`}>{KEYBOARD_HELP}</VisuallyHidden>
      <svg
        width={Math.max(width, 320)}
        height={height}
        role="group"
        aria-label={`${title ? `${title}: ` : ''}Journey Sankey of ${unit}, ${countOf(drawnColumns, 'step')}`}
        aria-describedby={`${chartId}-help`}
      >
        <SwatchPatterns used={[...new Set(swatches.values())]} id={patternId} />
        <InferredHatch id={`${chartId}-inferred`} />
        {Array.from({ length: drawnColumns }, (_, i) => (
          <text key={i} x={column(firstColumn + i)?.x0 ?? 0} y={14} className="column-title" data-testid="column-title">
            {columnName(firstColumn + i)}
          </text>
        ))}
        <g fill="none">
          {laidLinks.map((l) => {
            const s = l.source as LaidNode;
            const t = l.target as LaidNode;
            const text = withNote(linkTooltip(s, t, l.value, base, unit, l.inferred), linkNote?.(plainLink(l)));
            const selected = focus !== null && focus === linkFocusId(s.id, t.id);
            const d = path(l) ?? undefined;
            const width = Math.max(1, l.width ?? 1);
            return (
              <g key={`${s.id}→${t.id}`} className={onLinkClick ? 'link clickable' : 'link'}>
                <path
                  data-testid="sankey-link"
                  data-source={s.id}
                  data-target={t.id}
                  data-value={l.value}
                  data-inferred={l.inferred || undefined}
                  data-selected={selected ? 'true' : undefined}
                  d={d}
                  stroke={paint(s)}
                  strokeOpacity={selected ? 0.7 : t.kind === 'dropoff' ? 0.2 : 0.35}
                  strokeWidth={width}
                  onClick={onLinkClick ? () => onLinkClick(s.id, t.id) : undefined}
                  onMouseMove={show(text)}
                  onMouseLeave={() => setHover(null)}
                >
                  <title>{text}</title>
                </path>
                {/* The inferred part of the link: dashed, as wide as its share (pointer events go to the link). */}
                {l.inferred > 0 && (
                  <path
                    data-testid="sankey-link-inferred"
                    d={d}
                    stroke="#000"
                    strokeOpacity={0.55}
                    strokeDasharray="5 4"
                    strokeWidth={Math.max(1, width * share(l.inferred, l.value))}
                    pointerEvents="none"
                  />
                )}
              </g>
            );
          })}
        </g>
        {laidNodes.map((n, i) => {
          const x0 = n.x0 ?? 0;
          const x1 = n.x1 ?? 0;
          const y0 = n.y0 ?? 0;
          const y1 = n.y1 ?? 0;
          const text = withNote(nodeTooltip(n, base, unit, columnName), nodeNote?.(n));
          const focused = focus === n.id;
          const flows = outgoing(n);
          return (
            <g
              key={n.id}
              ref={roving.register(n.id)}
              data-testid="sankey-node"
              data-step={n.step}
              data-label={n.label}
              data-kind={n.kind}
              data-value={n.value}
              data-inferred={n.inferred || undefined}
              data-focused={focused ? 'true' : undefined}
              role="button"
              tabIndex={n.id === tabStop ? 0 : -1}
              aria-pressed={focused}
              aria-label={`${text}. ${focused ? 'Focused; activate to clear focus.' : 'Activate to focus the paths through it.'}`}
              aria-describedby={flows ? `${chartId}-flows-${i}` : undefined}
              className="node"
              onClick={() => onNodeClick(n.id)}
              onKeyDown={(e) => roving.onKey(e, n.id, places, onNodeClick)}
              onFocus={() => {
                roving.focused(n.id);
                // The hover card, for sighted keyboard users: under the node, clear of its label and focus ring.
                setHover({ text, x: x0, y: Math.max(y0 + 1, y1) + 8 });
              }}
              onBlur={() => setHover(null)}
              onMouseMove={show(text)}
              onMouseLeave={() => setHover(null)}
            >
              {flows && <desc id={`${chartId}-flows-${i}`}>{flows}</desc>}
              <rect
                x={x0}
                y={y0}
                width={x1 - x0}
                height={Math.max(1, y1 - y0)}
                fill={paint(n)}
                stroke={focused ? '#000' : 'none'}
                strokeWidth={focused ? 2 : 0}
              />
              {/* The inferred share of the node, hatched at its foot: a path, so the bar stays the node's one rect. */}
              {n.inferred > 0 && (
                <path
                  data-testid="sankey-node-inferred"
                  d={hatchPath(x0, x1, Math.max(y0 + 1, y1), Math.max(2, Math.max(1, y1 - y0) * share(n.inferred, n.value)))}
                  fill={`url(#${chartId}-inferred)`}
                  stroke="#000"
                  strokeWidth={0.5}
                  pointerEvents="none"
                />
              )}
              {/* A path, not a rect: the node's one rect is the bar, which tests and e2e click. */}
              <path className="focus-ring" d={ringPath(x0, y0, x1, Math.max(y0 + 1, y1))} />
              {y1 - y0 >= MIN_LABELLED_HEIGHT && (
                <text x={x1 + 6} y={(y0 + y1) / 2} dy="0.35em" className="label">
                  {truncate(shortLabel(n.label, suffix), labelChars(n.step))} <tspan className="count">{fmt(n.value)}</tspan>
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {hover && (
        <Tip style={{ left: hover.x, top: hover.y }} data-testid="sankey-tooltip" raised>
          <Paragraph fontSize="small">{hover.text}</Paragraph>
        </Tip>
      )}
    </ChartBox>
  );
}

/** The part of a node's bar (height h at its foot) its inferred journeys take. */
const hatchPath = (x0: number, x1: number, bottom: number, h: number) => `M${x0},${bottom - h}H${x1}V${bottom}H${x0}Z`;

/** Black diagonal hatching over white: inferred, on any swatch. */
function InferredHatch({ id }: { id: string }) {
  return (
    <defs>
      <pattern id={id} width={4} height={4} patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">
        <rect width={4} height={4} fill="#fff" />
        <rect width={2} height={4} fill="#000" />
      </pattern>
    </defs>
  );
}

/** The legend of the inferred marking, for a chart that has some. */
export function InferredLegend() {
  return (
    <div data-testid="inferred-legend" style={{ display: 'flex', gap: 16, alignItems: 'center', fontSize: 12 }}>
      <svg width={28} height={14} aria-hidden="true">
        <InferredHatch id="inferred-legend-hatch" />
        <rect x={8} y={0} width={12} height={14} fill="url(#inferred-legend-hatch)" stroke="#000" strokeWidth={0.5} />
      </svg>
      <span>Hatched foot of a step: journeys that reached it by a name-matched (inferred) event</span>
      <svg width={28} height={14} aria-hidden="true">
        <path d="M0,7H28" stroke="#000" strokeOpacity={0.55} strokeDasharray="5 4" strokeWidth={3} />
      </svg>
      <span>Dashed band on a link: the same journeys on their way there</span>
    </div>
  );
}

const ChartBox = styled.div`
  position: relative;
  width: 100%;
  overflow-x: auto;
  .column-title {
    font-size: 12px;
    font-weight: 600;
    fill: ${({ theme }) => theme.colors.text2};
  }
  .label {
    font-size: 12px;
    fill: ${({ theme }) => theme.colors.text5};
    paint-order: stroke;
    stroke: #fff;
    stroke-width: 3px;
    pointer-events: none;
  }
  .count {
    fill: ${({ theme }) => theme.colors.text2};
  }
  .node {
    cursor: pointer;
  }
  .node:focus {
    outline: none;
  }
  /* A ring apart from the black outline of the focused (clicked) node, so keyboard focus and chart focus differ. */
  .focus-ring {
    fill: none;
    stroke: none;
  }
  .node:focus-visible .focus-ring {
    stroke: ${({ theme }) => theme.colors.key};
    stroke-width: 2px;
  }
  .node:focus-visible .label {
    font-weight: 600;
  }
  path:hover {
    stroke-opacity: 0.6;
  }
  .link.clickable path[data-testid='sankey-link'] {
    cursor: pointer;
  }
`;

const Tip = styled(Card)`
  position: absolute;
  pointer-events: none;
  padding: 6px 10px;
  max-width: 360px;
  height: auto;
  z-index: 1;
`;
