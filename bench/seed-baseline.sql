-- The seed's identity stitching (Mark Rittman, "Stitching Identity Across the Customer Journey Using Segment,
-- Google BigQuery and Looker"), translated from BigQuery to DuckDB as faithfully as the post allows: its
-- `id_stitching` (last_value(user_id ignore nulls) per anonymous id), `mapped` (coalesce to the anonymous id),
-- `names_backfilled` (last_value of email and name per blended id) and offsite rows matched to people by name.
--
-- {{pages}}, {{tracks}}, {{identifies}} and {{offsite}} are replaced by the loaded raw tables (references quoted
-- by the DuckDB dialect). Creates seed_stitched: one row per input row (the seed neither dedupes nor rejects).
--
-- Where the post is silent, the choices below give the seed the benefit of the doubt:
--   * The seed's Zap sends its track and identify with the visitor's anonymous id (passed through utm_term);
--     the sample data keeps that id in context_campaign_term, so it is used as the anonymous id when present.
--   * The email of newsletter links (?email=) is used as the user id of the page view, %40 decoded.
--   * name falls back to first_name || ' ' || last_name when the identify has no name.
--   * An offsite row whose email is a known user id joins that person directly (not flagged inferred).
--   * The name join fans out when several people share a name; the evaluation keeps the first match.
--   * Unmatched offsite rows are grouped by their email, else by their full name.
-- Like the seed: no junk-id cleaning, no email lower-casing, exact (case- and accent-sensitive) name matching.
CREATE OR REPLACE TABLE seed_stitched AS
WITH
events AS (
  SELECT CAST(id AS VARCHAR) AS event_id, 'page' AS event_type, CAST(context_page_title AS VARCHAR) AS event_name,
    TRY_CAST(timestamp AS TIMESTAMPTZ) AS timestamp, CAST(anonymous_id AS VARCHAR) AS anonymous_id,
    coalesce(replace(nullif(regexp_extract(CAST(context_page_url AS VARCHAR), '[?&]email=([^&#]+)', 1), ''), '%40', '@'), CAST(user_id AS VARCHAR)) AS user_id,
    CAST(NULL AS VARCHAR) AS email, CAST(NULL AS VARCHAR) AS name
  FROM {{pages}}
  UNION ALL
  SELECT CAST(id AS VARCHAR), 'track', CAST(event AS VARCHAR), TRY_CAST(timestamp AS TIMESTAMPTZ),
    CAST(coalesce(context_campaign_term, anonymous_id) AS VARCHAR), CAST(user_id AS VARCHAR), NULL, NULL
  FROM {{tracks}}
  UNION ALL
  SELECT CAST(id AS VARCHAR), 'identify', 'identify', TRY_CAST(timestamp AS TIMESTAMPTZ),
    CAST(coalesce(context_campaign_term, anonymous_id) AS VARCHAR), CAST(user_id AS VARCHAR), CAST(email AS VARCHAR),
    CAST(coalesce(name, nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), '')) AS VARCHAR)
  FROM {{identifies}}
),
id_stitching AS (
  SELECT DISTINCT
    anonymous_id,
    last_value(user_id IGNORE NULLS) OVER (PARTITION BY anonymous_id ORDER BY timestamp ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS user_id,
    min(timestamp) OVER (PARTITION BY anonymous_id) AS first_seen_at,
    max(timestamp) OVER (PARTITION BY anonymous_id) AS last_seen_at
  FROM events
),
mapped AS (
  SELECT e.*, coalesce(i.user_id, e.anonymous_id) AS blended_user_id, i.user_id IS NOT NULL AS is_known
  FROM events e
  LEFT JOIN id_stitching i ON i.anonymous_id = e.anonymous_id
),
names_backfilled AS (
  SELECT * EXCLUDE (email, name),
    last_value(email IGNORE NULLS) OVER by_person AS email,
    last_value(name IGNORE NULLS) OVER by_person AS name,
    FALSE AS is_inferred_identity
  FROM mapped
  WINDOW by_person AS (PARTITION BY blended_user_id ORDER BY timestamp ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
known_names AS (
  SELECT DISTINCT name, blended_user_id, email FROM names_backfilled WHERE name IS NOT NULL
),
known_ids AS (
  SELECT DISTINCT blended_user_id, email FROM names_backfilled WHERE is_known
),
offsite AS (
  SELECT CAST(id AS VARCHAR) AS event_id, CAST(action AS VARCHAR) AS event_name, TRY_CAST(timestamp AS TIMESTAMPTZ) AS timestamp,
    CAST(email AS VARCHAR) AS email, CAST(full_name AS VARCHAR) AS full_name
  FROM {{offsite}}
),
offsite_matched AS (
  SELECT o.event_id, 'offsite' AS event_type, o.event_name, o.timestamp, CAST(NULL AS VARCHAR) AS anonymous_id, o.email AS user_id,
    coalesce(k.blended_user_id, n.blended_user_id, o.email, o.full_name) AS blended_user_id,
    k.blended_user_id IS NOT NULL OR n.blended_user_id IS NOT NULL AS is_known,
    coalesce(k.email, n.email, o.email) AS email,
    o.full_name AS name,
    k.blended_user_id IS NULL AND n.blended_user_id IS NOT NULL AS is_inferred_identity
  FROM offsite o
  LEFT JOIN known_ids k ON k.blended_user_id = o.email
  LEFT JOIN known_names n ON k.blended_user_id IS NULL AND n.name = o.full_name
)
SELECT event_id, event_type, event_name, timestamp, anonymous_id, user_id, blended_user_id, is_known, email, name, is_inferred_identity
FROM names_backfilled
UNION ALL
SELECT event_id, event_type, event_name, timestamp, anonymous_id, user_id, blended_user_id, is_known, email, name, is_inferred_identity
FROM offsite_matched;
