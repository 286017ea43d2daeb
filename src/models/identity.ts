/**
 * The identity graph: known identifiers linked by the rows that carry several of them, anonymous ids linked by
 * carried ids, both resolved to connected components by label propagation in SQL (multi-hop, until nothing changes).
 */
import type { Step } from '../sql/pipeline';
import type { ModelContext } from './context';

/** Node type priority when an event carries several known identifiers (the guard can leave them apart). */
const NODE_PRIORITY = ['user_id', 'email', 'crm_id', 'profile'] as const;

/**
 * Connected components of an undirected edge table (a, b; both directions present): writes `<prefix>_labels`
 * (node, label = smallest node of its component). Each round takes the smallest label among a node and its
 * neighbours, then jumps to the label's own label, which halves long chains, so rounds grow with log(diameter).
 */
export function labelPropagation(ctx: ModelContext, prefix: string, edges: string, maxIterations: number): Step[] {
  const labels = () => ctx.ref(`${prefix}_labels`);
  const next = () => ctx.ref(`${prefix}_next`);
  const jump = () => ctx.ref(`${prefix}_jump`);
  const delta = () => ctx.ref(`${prefix}_delta`);
  const e = () => ctx.ref(edges);
  const loop = ctx.loop(
    `${prefix}_propagation`,
    maxIterations,
    [
      ctx.scratchTable(
        `${prefix}_next`,
        () => `SELECT l.node, ${ctx.d.least('l.label', 'MIN(n.label)')} AS label
FROM ${labels()} AS l
JOIN ${e()} AS e ON e.a = l.node
JOIN ${labels()} AS n ON n.node = e.b
GROUP BY l.node, l.label`,
      ),
      ctx.scratchTable(`${prefix}_jump`, () => `SELECT x.node, j.label FROM ${next()} AS x JOIN ${next()} AS j ON j.node = x.label`),
      ctx.scratchTable(
        `${prefix}_delta`,
        () => `SELECT COUNT(*) AS changed FROM ${jump()} AS j JOIN ${labels()} AS l ON l.node = j.node WHERE j.label <> l.label`,
      ),
      ctx.scratchTable(`${prefix}_labels`, () => `SELECT node, label FROM ${jump()}`),
    ],
    () => `SELECT changed FROM ${delta()}`,
  );
  return [
    ctx.scratchTable(`${prefix}_labels`, () => `SELECT a AS node, ${ctx.d.least('a', 'MIN(b)')} AS label FROM ${e()} GROUP BY a`),
    loop,
  ];
}

/** Both directions of a pair list, deduplicated. */
function undirected(pairs: string): string {
  return `SELECT DISTINCT a, b FROM (
  SELECT a, b FROM (${pairs}) AS p
  UNION ALL
  SELECT b AS a, a AS b FROM (${pairs}) AS p
) AS both_ways`;
}

export function identitySteps(ctx: ModelContext): Step[] {
  const { d } = ctx;
  const ev = () => ctx.ref('js_events');
  const maxIter = ctx.config.identity.max_iterations;
  const nodeSelect = (type: string, value: string, where: string) =>
    `SELECT event_id, occurred_at, ${d.concat(ctx.lit(`${type}:`), value)} AS node, ${ctx.lit(type)} AS node_type, ${value} AS node_value, ${NODE_PRIORITY.indexOf(type as never)} AS priority FROM ${ev()} WHERE ${where}`;
  const crm = () =>
    ctx.config.identity.crm_ids.map((c) =>
      nodeSelect('crm_id', d.concat(ctx.lit(`${c.name}=`), d.quoteIdent(`crm_${c.name}`)), `${d.quoteIdent(`crm_${c.name}`)} IS NOT NULL`),
    );
  const nodes = () => [
    nodeSelect('user_id', 'user_id', 'user_id IS NOT NULL'),
    nodeSelect('email', 'email', 'email IS NOT NULL'),
    ...crm(),
    nodeSelect('profile', d.concat('source', `':'`, 'profile_url'), `event_type = 'offsite' AND profile_url IS NOT NULL`),
  ];

  return [
    // Over-merge guard: an address used by many user ids (info@, a shared inbox) identifies its own rows only.
    // (Join tests are folded into the join key below: a key plus a one-sided test makes DuckDB loop over every pair.)
    ctx.scratchTable(
      'js_shared_emails',
      () =>
        `SELECT email FROM ${ev()} WHERE email IS NOT NULL AND user_id IS NOT NULL GROUP BY email HAVING COUNT(DISTINCT user_id) > ${d.numberLiteral(ctx.config.identity.max_user_ids_per_email)}`,
    ),
    ctx.scratchTable(
      'js_event_nodes',
      () => `SELECT n.event_id, n.occurred_at, n.node, n.node_type, n.node_value, n.priority, s.email IS NULL AS links
FROM (
${nodes().join('\nUNION ALL\n')}
) AS n
LEFT JOIN ${ctx.ref('js_shared_emails')} AS s ON s.email = CASE WHEN n.node_type = 'email' THEN n.node_value END`,
    ),
    // A row carrying several linking identifiers ties them all to the smallest one (a star: enough for components).
    ctx.scratchTable('js_id_edges', () =>
      undirected(`SELECT n.node AS a, h.hub AS b
FROM ${ctx.ref('js_event_nodes')} AS n
JOIN (
  SELECT event_id, MIN(node) AS hub FROM ${ctx.ref('js_event_nodes')} WHERE links GROUP BY event_id HAVING COUNT(*) > 1
) AS h ON h.event_id = n.event_id
WHERE n.links AND n.node <> h.hub`),
    ),
    ...labelPropagation(ctx, 'js_id', 'js_id_edges', maxIter),
    ctx.scratchTable(
      'js_node_component',
      () => `SELECT n.node, n.node_type, n.node_value, COALESCE(l.label, n.node) AS component
FROM (SELECT node, node_type, node_value FROM ${ctx.ref('js_event_nodes')} GROUP BY node, node_type, node_value) AS n
LEFT JOIN ${ctx.ref('js_id_labels')} AS l ON l.node = n.node`,
    ),
    ctx.scratchTable(
      'js_components',
      () => `SELECT component,
  COALESCE(
    ${ctx.userPersonId(`MIN(CASE WHEN node_type = 'user_id' THEN node_value END)`)},
    ${ctx.hashedPersonId('e', `MIN(CASE WHEN node_type = 'email' THEN node_value END)`)},
    ${ctx.hashedPersonId('c', `MIN(CASE WHEN node_type = 'crm_id' THEN node_value END)`)},
    MIN(CASE WHEN node_type = 'profile' THEN node_value END)
  ) AS person_id,
  ${d.countIf(`node_type IN ('user_id', 'email', 'crm_id')`)} > 0 AS identified
FROM ${ctx.ref('js_node_component')}
GROUP BY component`,
    ),
    // The event's component: that of its highest-priority identifier; plus which kinds it carries (for link_reason).
    ctx.scratchTable(
      'js_event_component',
      () => `SELECT event_id, component, has_user_id, has_email FROM (
  SELECT n.event_id, c.component,
    MAX(CASE WHEN n.node_type = 'user_id' THEN 1 ELSE 0 END) OVER (PARTITION BY n.event_id) = 1 AS has_user_id,
    MAX(CASE WHEN n.node_type = 'email' THEN 1 ELSE 0 END) OVER (PARTITION BY n.event_id) = 1 AS has_email,
    ROW_NUMBER() OVER (PARTITION BY n.event_id ORDER BY n.priority, n.node) AS pick
  FROM ${ctx.ref('js_event_nodes')} AS n
  JOIN ${ctx.ref('js_node_component')} AS c ON c.node = n.node
) AS ranked
WHERE pick = 1`,
    ),
    ...anonymousSteps(ctx),
  ];
}

function anonymousSteps(ctx: ModelContext): Step[] {
  const ev = () => ctx.ref('js_events');
  const pairs = () =>
    ['carried_anonymous_id', 'linked_anonymous_id']
      .map(
        (c) =>
          `SELECT anonymous_id AS a, ${c} AS b FROM ${ev()} WHERE anonymous_id IS NOT NULL AND ${c} IS NOT NULL AND ${c} <> anonymous_id`,
      )
      .join('\nUNION ALL\n');
  // Sightings first: the pdt materialization persists them (js_anon_events reads them), and a persisted table
  // must not cut the label propagation below from its start.
  return [
    // Every event carrying an anonymous id (as its own, or carried over in a campaign parameter) together with a
    // known identifier: where a device was seen with a person.
    ctx.scratchTable(
      'js_anon_sightings',
      () => `SELECT x.anonymous_id, c.component, e.occurred_at, e.event_id, x.carried
FROM (
  SELECT event_id, anonymous_id, FALSE AS carried FROM ${ev()} WHERE anonymous_id IS NOT NULL
  UNION ALL SELECT event_id, carried_anonymous_id, TRUE FROM ${ev()} WHERE carried_anonymous_id IS NOT NULL
  UNION ALL SELECT event_id, linked_anonymous_id, TRUE FROM ${ev()} WHERE linked_anonymous_id IS NOT NULL
) AS x
JOIN ${ev()} AS e ON e.event_id = x.event_id
JOIN ${ctx.ref('js_event_component')} AS c ON c.event_id = x.event_id`,
    ),
    // The seed's last_value(user_id ignore nulls) per anonymous id: its latest sighting.
    ctx.scratchTable(
      'js_anon_direct',
      () => `SELECT anonymous_id, component, occurred_at AS seen_at, event_id AS seen_event_id, carried FROM (
  SELECT anonymous_id, component, occurred_at, event_id, carried,
    ROW_NUMBER() OVER (PARTITION BY anonymous_id ORDER BY occurred_at DESC, event_id DESC, carried) AS pick
  FROM ${ctx.ref('js_anon_sightings')}
) AS ranked
WHERE pick = 1`,
    ),
    ctx.scratchTable('js_anon_edges', () => undirected(pairs())),
    ...labelPropagation(ctx, 'js_anon', 'js_anon_edges', ctx.config.identity.max_iterations),
    ctx.scratchTable(
      'js_anon_ids',
      () => `SELECT anonymous_id FROM (
  SELECT anonymous_id FROM ${ev()} WHERE anonymous_id IS NOT NULL
  UNION ALL SELECT carried_anonymous_id FROM ${ev()} WHERE carried_anonymous_id IS NOT NULL
  UNION ALL SELECT linked_anonymous_id FROM ${ev()} WHERE linked_anonymous_id IS NOT NULL
) AS ids GROUP BY anonymous_id`,
    ),
    ctx.scratchTable(
      'js_anon_person',
      () => `WITH members AS (
  SELECT a.anonymous_id, COALESCE(l.label, a.anonymous_id) AS anon_component
  FROM ${ctx.ref('js_anon_ids')} AS a
  LEFT JOIN ${ctx.ref('js_anon_labels')} AS l ON l.node = a.anonymous_id
),
attachment AS (
  SELECT anon_component, component, via_anonymous_id, via_carried_column FROM (
    SELECT m.anon_component, d.component, d.anonymous_id AS via_anonymous_id, d.carried AS via_carried_column,
      ROW_NUMBER() OVER (PARTITION BY m.anon_component ORDER BY d.seen_at DESC, d.seen_event_id DESC, d.carried, d.anonymous_id) AS pick
    FROM members AS m
    JOIN ${ctx.ref('js_anon_direct')} AS d ON d.anonymous_id = m.anonymous_id
  ) AS ranked
  WHERE pick = 1
),
-- A device (anonymous component) seen with two or more known persons is shared (§3); its first sighting bounds
-- how far back its history is attached (identity.backstitch_days).
device AS (
  SELECT m.anon_component, COUNT(DISTINCT s.component) > 1 AS shared, MIN(s.occurred_at) AS first_seen_at
  FROM members AS m
  JOIN ${ctx.ref('js_anon_sightings')} AS s ON s.anonymous_id = m.anonymous_id
  GROUP BY m.anon_component
)
SELECT m.anonymous_id, m.anon_component,
  COALESCE(k.person_id, ${ctx.hashedPersonId('a', 'm.anon_component')}) AS person_id,
  k.person_id IS NOT NULL AS attached,
  COALESCE(t.via_anonymous_id <> m.anonymous_id OR t.via_carried_column, FALSE) AS via_carried,
  COALESCE(v.shared, FALSE) AS shared, v.first_seen_at
FROM members AS m
LEFT JOIN attachment AS t ON t.anon_component = m.anon_component
LEFT JOIN device AS v ON v.anon_component = m.anon_component
LEFT JOIN ${ctx.ref('js_components')} AS k ON k.component = t.component`,
    ),
    ctx.scratchTable('js_anon_events', () => anonymousEventsSql(ctx)),
  ];
}

/**
 * The anonymous events whose person is not their anonymous id's (§3): events on a shared device, each given to
 * the person identified on the device nearest in time (same device session first), and, with
 * identity.backstitch_days, events too long before their device's first sighting, left on the anonymous person.
 * Columns: event_id, person_id, attached (the events of this table with attached go out as `shared_device`).
 */
function anonymousEventsSql(ctx: ModelContext): string {
  const { d } = ctx;
  const ev = () => ctx.ref('js_events');
  const micros = (x: string) => d.unixMicros(x);
  const backstitch = ctx.config.identity.backstitch_days;
  const windowMicros = backstitch === null ? undefined : d.numberLiteral(Math.round(backstitch * 86_400_000_000));
  /** Attaching a later sighting to an event at most this far before it is allowed. */
  const withinWindow = (later: string, at: string) =>
    windowMicros === undefined ? 'TRUE' : `${micros(later)} - ${micros(at)} <= ${windowMicros}`;
  const gapSeconds = ctx.config.sessions.inactivity_minutes * 60;
  const byTime = 'PARTITION BY anon_component ORDER BY occurred_at, event_id';
  const before = `${byTime} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING`;
  const after = `${byTime} ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING`;
  const cut = windowMicros === undefined ? 'FALSE' : `a.attached AND NOT ${withinWindow('a.first_seen_at', 'e.occurred_at')}`;
  return `WITH anon_events AS (
  -- Web events without a known identifier on a shared device (or, with a window, cut off by it).
  SELECT e.event_id, e.occurred_at, a.anon_component, a.shared
  FROM ${ev()} AS e
  JOIN ${ctx.ref('js_anon_person')} AS a ON a.anonymous_id = e.anonymous_id
  LEFT JOIN ${ctx.ref('js_event_component')} AS c ON c.event_id = e.event_id
  WHERE c.event_id IS NULL AND e.event_type <> 'offsite' AND (a.shared OR ${cut})
),
timeline AS (
  -- A shared device's sightings (each event once) and anonymous events, in one time line per device.
  SELECT a.anon_component, s.event_id, s.occurred_at, s.component
  FROM ${ctx.ref('js_anon_sightings')} AS s
  JOIN ${ctx.ref('js_anon_person')} AS a ON a.anonymous_id = s.anonymous_id
  WHERE a.shared
  GROUP BY a.anon_component, s.event_id, s.occurred_at, s.component
  UNION ALL
  SELECT anon_component, event_id, occurred_at, ${d.nullOf('string')} FROM anon_events WHERE shared
),
ordered AS (
  SELECT anon_component, event_id, occurred_at, component, LAG(occurred_at) OVER (${byTime}) AS previous_at FROM timeline
),
near AS (
  -- Device sessions split on the inactivity gap; times only grow along the sort, so the latest session start so far
  -- is this event's session's, and the earliest one after it the next session's.
  SELECT anon_component, event_id, occurred_at, component,
    MAX(CASE WHEN starts_session THEN occurred_at END) OVER (${byTime} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session_started_at,
    MIN(CASE WHEN starts_session THEN occurred_at END) OVER (${after}) AS next_session_at,
    LAST_VALUE(component IGNORE NULLS) OVER (${before}) AS before_component,
    LAST_VALUE(CASE WHEN component IS NOT NULL THEN occurred_at END IGNORE NULLS) OVER (${before}) AS before_at,
    FIRST_VALUE(component IGNORE NULLS) OVER (${after}) AS after_component,
    FIRST_VALUE(CASE WHEN component IS NOT NULL THEN occurred_at END IGNORE NULLS) OVER (${after}) AS after_at
  FROM (
    SELECT *, previous_at IS NULL OR ${d.secondsBetween('previous_at', 'occurred_at')} > ${gapSeconds} AS starts_session FROM ordered
  ) AS flagged
),
candidates AS (
  -- The sightings just before and just after each anonymous event; the one after only within the window.
  SELECT event_id, anon_component, before_component, after_component,
    before_component IS NOT NULL AS before_ok,
    after_component IS NOT NULL AND ${withinWindow('after_at', 'occurred_at')} AS after_ok,
    COALESCE(before_at >= session_started_at, FALSE) AS before_same,
    COALESCE(after_at < next_session_at, after_at IS NOT NULL) AS after_same,
    ${micros('occurred_at')} - ${micros('before_at')} AS before_gap,
    ${micros('after_at')} - ${micros('occurred_at')} AS after_gap
  FROM near
  WHERE component IS NULL
),
chosen AS (
  -- Same session first, then the nearer (ties: the one before).
  SELECT event_id, anon_component, CASE
    WHEN before_ok AND (NOT after_ok OR (before_same AND NOT after_same) OR (before_same = after_same AND before_gap <= after_gap)) THEN before_component
    WHEN after_ok THEN after_component
  END AS component
  FROM candidates
)
SELECT c.event_id, COALESCE(k.person_id, ${ctx.hashedPersonId('a', 'c.anon_component')}) AS person_id, k.person_id IS NOT NULL AS attached
FROM chosen AS c
LEFT JOIN ${ctx.ref('js_components')} AS k ON k.component = c.component
UNION ALL
SELECT event_id, ${ctx.hashedPersonId('a', 'anon_component')}, FALSE FROM anon_events WHERE NOT shared`;
}
