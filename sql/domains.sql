-- The statuses and kinds of observation: one list each, one domain each.
SELECT s AS status, krimp.status_rank(s) AS rank FROM unnest(krimp.observation_statuses()) s;
SELECT krimp.observation_kinds();
SELECT krimp.status_rank('bogus') IS NULL AS "no rank";
SELECT 'nader voorlopig'::krimp.observation_status, 'forecast'::krimp.observation_kind;
SELECT 'Definitief'::krimp.observation_status;
SELECT 'prognose'::krimp.observation_kind;
-- every column of a status or kind of observation takes the domain
SELECT a.attrelid::regclass, a.attname, a.atttypid::regtype
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'krimp'::regnamespace AND c.relkind IN ('r', 'v') AND a.attnum > 0
   AND a.attname IN ('status', 'kind') AND c.relname LIKE 'observation%'
 ORDER BY a.attrelid::regclass::text, a.attname;
-- a file's status is normalised into the list, or refused (NULL)
SELECT krimp.normalise_status(s, '1') FROM unnest(ARRAY[' Voorlopig ', '*', '**', '', 'ESTIMATE', 'bogus']) s;
