/**
 * The identity graph: known identifiers linked by the rows that carry several of them, anonymous ids linked by
 * carried ids, both resolved to connected components by label propagation in SQL (multi-hop, until nothing changes).
 */
import type { LoopStep, Step } from '../sql/pipeline';
import type { ModelContext } from './context';

/** Node type priority when an event carries several known identifiers (the guard can leave them apart). */
const NODE_PRIORITY = ['user_id', 'email', 'crm_id', 'profile'] as const;

/**
 * Connected components of an undirected edge table (a, b; both directions present): writes `<prefix>_labels`
 * (node, label = smallest node of its component). Each round takes the smallest label among a node and its
 * neighbours, then jumps to the label's own label, which halves long chains, so rounds grow with log(diameter).
 */
export function labelPropagation(ctx: ModelContext, prefix: string, edges: string, maxIterations: number): Step[] {
  const labels = ctx.t(`${prefix}_labels`);
  const next = ctx.t(`${prefix}_next`);
  const jump = ctx.t(`${prefix}_jump`);
  const delta = ctx.t(`${prefix}_delta`);
  const e = ctx.t(edges);
  const loop: LoopStep = {
    kind: 'loop',
    name: `${prefix}_propagation`,
    maxIterations,
    body: [
      ctx.scratchTable(
        `${prefix}_next`,
        `SELECT l.node, ${ctx.d.least('l.label', 'MIN(n.label)')} AS label
FROM ${labels} AS l
JOIN ${e} AS e ON e.a = l.node
JOIN ${labels} AS n ON n.node = e.b
GROUP BY l.node, l.label`,
      ),
      ctx.scratchTable(
        `${prefix}_jump`,
        `SELECT x.node, j.label FROM ${next} AS x JOIN ${next} AS j ON j.node = x.label`,
      ),
      ctx.scratchTable(
        `${prefix}_delta`,
        `SELECT COUNT(*) AS changed FROM ${jump} AS j JOIN ${labels} AS l ON l.node = j.node WHERE j.label <> l.label`,
      ),
      ctx.scratchTable(`${prefix}_labels`, `SELECT node, label FROM ${jump}`),
    ],
    changedSql: `SELECT changed FROM ${delta}`,
  };
  return [
    ctx.scratchTable(`${prefix}_labels`, `SELECT a AS node, ${ctx.d.least('a', 'MIN(b)')} AS label FROM ${e} GROUP BY a`),
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
  const ev = ctx.t('js_events');
  const maxIter = ctx.config.identity.max_iterations;
  const nodeSelect = (type: string, value: string, where: string) =>
    `SELECT event_id, occurred_at, ${d.concat(ctx.lit(`${type}:`), value)} AS node, ${ctx.lit(type)} AS node_type, ${value} AS node_value, ${NODE_PRIORITY.indexOf(type as never)} AS priority FROM ${ev} WHERE ${where}`;
  const crm = ctx.config.identity.crm_ids.map((c) =>
    nodeSelect('crm_id', d.concat(ctx.lit(`${c.name}=`), d.quoteIdent(`crm_${c.name}`)), `${d.quoteIdent(`crm_${c.name}`)} IS NOT NULL`),
  );
  const nodes = [
    nodeSelect('user_id', 'user_id', 'user_id IS NOT NULL'),
    nodeSelect('email', 'email', 'email IS NOT NULL'),
    ...crm,
    nodeSelect('profile', d.concat('source', `':'`, 'profile_url'), `event_type = 'offsite' AND profile_url IS NOT NULL`),
  ];

  return [
    // Over-merge guard: an address used by many user ids (info@, a shared inbox) identifies its own rows only.
    // (Join tests are folded into the join key below: a key plus a one-sided test makes DuckDB loop over every pair.)
    ctx.scratchTable(
      'js_shared_emails',
      `SELECT email FROM ${ev} WHERE email IS NOT NULL AND user_id IS NOT NULL GROUP BY email HAVING COUNT(DISTINCT user_id) > ${d.numberLiteral(ctx.config.identity.max_user_ids_per_email)}`,
    ),
    ctx.scratchTable(
      'js_event_nodes',
      `SELECT n.event_id, n.occurred_at, n.node, n.node_type, n.node_value, n.priority, s.email IS NULL AS links
FROM (
${nodes.join('\nUNION ALL\n')}
) AS n
LEFT JOIN ${ctx.t('js_shared_emails')} AS s ON s.email = CASE WHEN n.node_type = 'email' THEN n.node_value END`,
    ),
    // A row carrying several linking identifiers ties them all to the smallest one (a star: enough for components).
    ctx.scratchTable(
      'js_id_edges',
      undirected(`SELECT n.node AS a, h.hub AS b
FROM ${ctx.t('js_event_nodes')} AS n
JOIN (
  SELECT event_id, MIN(node) AS hub FROM ${ctx.t('js_event_nodes')} WHERE links GROUP BY event_id HAVING COUNT(*) > 1
) AS h ON h.event_id = n.event_id
WHERE n.links AND n.node <> h.hub`),
    ),
    ...labelPropagation(ctx, 'js_id', 'js_id_edges', maxIter),
    ctx.scratchTable(
      'js_node_component',
      `SELECT n.node, n.node_type, n.node_value, COALESCE(l.label, n.node) AS component
FROM (SELECT node, node_type, node_value FROM ${ctx.t('js_event_nodes')} GROUP BY node, node_type, node_value) AS n
LEFT JOIN ${ctx.t('js_id_labels')} AS l ON l.node = n.node`,
    ),
    ctx.scratchTable(
      'js_components',
      `SELECT component,
  COALESCE(
    ${ctx.userPersonId(`MIN(CASE WHEN node_type = 'user_id' THEN node_value END)`)},
    ${ctx.hashedPersonId('e', `MIN(CASE WHEN node_type = 'email' THEN node_value END)`)},
    ${ctx.hashedPersonId('c', `MIN(CASE WHEN node_type = 'crm_id' THEN node_value END)`)},
    MIN(CASE WHEN node_type = 'profile' THEN node_value END)
  ) AS person_id,
  ${d.countIf(`node_type IN ('user_id', 'email', 'crm_id')`)} > 0 AS identified
FROM ${ctx.t('js_node_component')}
GROUP BY component`,
    ),
    // The event's component: that of its highest-priority identifier; plus which kinds it carries (for link_reason).
    ctx.scratchTable(
      'js_event_component',
      `SELECT event_id, component, has_user_id, has_email FROM (
  SELECT n.event_id, c.component,
    MAX(CASE WHEN n.node_type = 'user_id' THEN 1 ELSE 0 END) OVER (PARTITION BY n.event_id) = 1 AS has_user_id,
    MAX(CASE WHEN n.node_type = 'email' THEN 1 ELSE 0 END) OVER (PARTITION BY n.event_id) = 1 AS has_email,
    ROW_NUMBER() OVER (PARTITION BY n.event_id ORDER BY n.priority, n.node) AS pick
  FROM ${ctx.t('js_event_nodes')} AS n
  JOIN ${ctx.t('js_node_component')} AS c ON c.node = n.node
) AS ranked
WHERE pick = 1`,
    ),
    ...anonymousSteps(ctx),
  ];
}

function anonymousSteps(ctx: ModelContext): Step[] {
  const ev = ctx.t('js_events');
  const pairs = ['carried_anonymous_id', 'linked_anonymous_id']
    .map((c) => `SELECT anonymous_id AS a, ${c} AS b FROM ${ev} WHERE anonymous_id IS NOT NULL AND ${c} IS NOT NULL AND ${c} <> anonymous_id`)
    .join('\nUNION ALL\n');
  return [
    ctx.scratchTable('js_anon_edges', undirected(pairs)),
    ...labelPropagation(ctx, 'js_anon', 'js_anon_edges', ctx.config.identity.max_iterations),
    ctx.scratchTable(
      'js_anon_ids',
      `SELECT anonymous_id FROM (
  SELECT anonymous_id FROM ${ev} WHERE anonymous_id IS NOT NULL
  UNION ALL SELECT carried_anonymous_id FROM ${ev} WHERE carried_anonymous_id IS NOT NULL
  UNION ALL SELECT linked_anonymous_id FROM ${ev} WHERE linked_anonymous_id IS NOT NULL
) AS ids GROUP BY anonymous_id`,
    ),
    // The seed's last_value(user_id ignore nulls) per anonymous id: the latest event carrying it (as its own
    // anonymous id, or carried over in a campaign parameter) together with a known identifier.
    ctx.scratchTable(
      'js_anon_direct',
      `SELECT anonymous_id, component, occurred_at AS seen_at, event_id AS seen_event_id, carried FROM (
  SELECT x.anonymous_id, c.component, e.occurred_at, e.event_id, x.carried,
    ROW_NUMBER() OVER (PARTITION BY x.anonymous_id ORDER BY e.occurred_at DESC, e.event_id DESC, x.carried) AS pick
  FROM (
    SELECT event_id, anonymous_id, FALSE AS carried FROM ${ev} WHERE anonymous_id IS NOT NULL
    UNION ALL SELECT event_id, carried_anonymous_id, TRUE FROM ${ev} WHERE carried_anonymous_id IS NOT NULL
    UNION ALL SELECT event_id, linked_anonymous_id, TRUE FROM ${ev} WHERE linked_anonymous_id IS NOT NULL
  ) AS x
  JOIN ${ev} AS e ON e.event_id = x.event_id
  JOIN ${ctx.t('js_event_component')} AS c ON c.event_id = x.event_id
) AS ranked
WHERE pick = 1`,
    ),
    ctx.scratchTable(
      'js_anon_person',
      `WITH members AS (
  SELECT a.anonymous_id, COALESCE(l.label, a.anonymous_id) AS anon_component
  FROM ${ctx.t('js_anon_ids')} AS a
  LEFT JOIN ${ctx.t('js_anon_labels')} AS l ON l.node = a.anonymous_id
),
attachment AS (
  SELECT anon_component, component, via_anonymous_id, via_carried_column FROM (
    SELECT m.anon_component, d.component, d.anonymous_id AS via_anonymous_id, d.carried AS via_carried_column,
      ROW_NUMBER() OVER (PARTITION BY m.anon_component ORDER BY d.seen_at DESC, d.seen_event_id DESC, d.carried, d.anonymous_id) AS pick
    FROM members AS m
    JOIN ${ctx.t('js_anon_direct')} AS d ON d.anonymous_id = m.anonymous_id
  ) AS ranked
  WHERE pick = 1
)
SELECT m.anonymous_id, m.anon_component,
  COALESCE(k.person_id, m.anon_component) AS person_id,
  k.person_id IS NOT NULL AS attached,
  COALESCE(t.via_anonymous_id <> m.anonymous_id OR t.via_carried_column, FALSE) AS via_carried
FROM members AS m
LEFT JOIN attachment AS t ON t.anon_component = m.anon_component
LEFT JOIN ${ctx.t('js_components')} AS k ON k.component = t.component`,
    ),
  ];
}
