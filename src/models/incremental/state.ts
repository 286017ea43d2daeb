/**
 * The state an incremental run keeps between runs, next to the output tables (see docs/incremental.md), and the SQL
 * that derives it from a full build's tables (the apply step derives the affected persons' rows the same way).
 */
import { nameMatching, type Config } from '../../config/schema';
import type { SqlStep } from '../../sql/pipeline';
import { webPersonsSql } from '../attribution';
import { ModelContext } from '../context';
import { duplicateRejectsSql, stagedColumnList } from '../staging';
import type { BuildOptions } from '../types';
import { anonPersonsSql, personTailSql } from './append';

export const STATE_TABLES = {
  events: 'js_state_events',
  tokens: 'js_state_tokens',
  personTokens: 'js_state_person_tokens',
  personNames: 'js_state_person_names',
  rejects: 'js_state_rejects',
  anonPersons: 'js_state_anon_persons',
  personTail: 'js_state_person_tail',
  matchParams: 'js_state_match_params',
  nameTokens: 'js_state_name_tokens',
  runs: 'journey_stitch_runs',
} as const;

export const scoredMatching = (config: Config) => nameMatching(config)?.method === 'scored';

/**
 * Every identifier an event carries, written as `identifier_type:identifier` (its identity_links link_id is the
 * hash of that, ModelContext.linkId): known nodes, anonymous ids (all three
 * columns) and, for offsite rows with neither email nor profile URL, their name-keyed profile. With the event's
 * time, which partitions the state table (replacing a stored copy's tokens then touches only its day).
 */
export function tokensSql(ctx: ModelContext, events: string): string {
  const { d } = ctx;
  const token = (type: string, value: string, where: string) =>
    `SELECT event_id, occurred_at, ${d.concat(ctx.lit(`${type}:`), value)} AS token FROM ${events} AS ev WHERE ${where}`;
  const crm = ctx.config.identity.crm_ids.map((c) => {
    const col = d.quoteIdent(`crm_${c.name}`);
    return token('crm_id', d.concat(ctx.lit(`${c.name}=`), col), `${col} IS NOT NULL`);
  });
  const parts = [
    token('user_id', 'user_id', 'user_id IS NOT NULL'),
    token('email', 'email', 'email IS NOT NULL'),
    ...crm,
    ...['anonymous_id', 'carried_anonymous_id', 'linked_anonymous_id'].map((c) => token('anonymous_id', c, `${c} IS NOT NULL`)),
    token('profile', d.concat('source', `':'`, 'profile_url'), `event_type = 'offsite' AND profile_url IS NOT NULL`),
    token('profile', ctx.nameProfileKey('ev'), `event_type = 'offsite' AND email IS NULL AND profile_url IS NULL`),
  ];
  return `SELECT DISTINCT event_id, occurred_at, token FROM (\n${parts.join('\nUNION ALL\n')}\n) AS tokens`;
}

/** Every identifier of every person: the distinct (person, token) pairs of stitched events and their tokens. */
export function personTokensSql(stitched: string, tokens: string): string {
  return `SELECT DISTINCT se.person_id, k.token FROM ${stitched} AS se JOIN ${tokens} AS k ON k.event_id = se.event_id`;
}

/**
 * Every normalised name on a person's events, with the events' status, whether they are offsite rows, and whether
 * the person has a confirmed web event (a name-match target must: js_unique_names). An appended event cannot turn
 * that on: it is confirmed only when its anonymous id's stored web rows are.
 */
export function personNamesSql(ctx: ModelContext, stitched: string, events: string): string {
  return `SELECT DISTINCT se.person_id, ${ctx.normalizeName('e.name')} AS norm_name, se.identity_status, e.event_type = 'offsite' AS offsite,
  web.person_id IS NOT NULL AS on_web
FROM ${events} AS e JOIN ${stitched} AS se ON se.event_id = e.event_id
LEFT JOIN (${webPersonsSql(stitched)}) AS web ON web.person_id = se.person_id
WHERE e.name IS NOT NULL`;
}

/** After a full build: its deduplicated events, their identifiers, its rejects and its matching model, as state. */
export function fullStateTables(ctx: ModelContext, opts: BuildOptions): SqlStep[] {
  const { d } = ctx;
  const t = (x: string) => ctx.ref(x);
  return [
    ctx.stateTable(STATE_TABLES.events, () => `SELECT ${stagedColumnList(ctx)} FROM ${t('js_events')}`),
    ctx.stateTable(STATE_TABLES.tokens, () => tokensSql(ctx, t(STATE_TABLES.events))),
    ctx.stateTable(STATE_TABLES.personTokens, () => personTokensSql(t('stitched_events'), t(STATE_TABLES.tokens))),
    ctx.stateTable(STATE_TABLES.personNames, () => personNamesSql(ctx, t('stitched_events'), t(STATE_TABLES.events))),
    ctx.stateTable(
      STATE_TABLES.rejects,
      () => `SELECT source_table, event_id, reject_reason AS reason, row_data, occurred_at FROM ${t('js_set_aside')} WHERE reject_reason IS NOT NULL
UNION ALL
${duplicateRejectsSql(ctx, t('js_set_aside'), t('js_duplicate_ids'), { occurredAt: true })}`,
    ),
    ctx.stateTable(STATE_TABLES.anonPersons, () => anonPersonsSql(ctx, t('stitched_events'))),
    ctx.stateTable(STATE_TABLES.personTail, () => personTailSql(t('js_sessionized'))),
    // The name-matching parameters this run estimated: incremental runs score with them (models/matching.ts).
    ctx.stateTable(STATE_TABLES.matchParams, () =>
      scoredMatching(opts.config)
        ? `SELECT * FROM ${t('js_match_params')}`
        : `SELECT ${d.nullOf('float')} AS prior_web FROM (SELECT 1 AS x) AS none WHERE FALSE`,
    ),
    // The name word frequencies it counted, for the same reason.
    ctx.stateTable(STATE_TABLES.nameTokens, () =>
      scoredMatching(opts.config)
        ? `SELECT * FROM ${t('js_name_tokens')}`
        : `SELECT ${d.nullOf('string')} AS token FROM (SELECT 1 AS x) AS none WHERE FALSE`,
    ),
  ];
}
