-- Load the bundled CBS population per municipality (table 37230ned, OData v3
-- dump) as BZK's observations of the indicator "population", with the
-- national total of the same file as NL01, in one load batch.  Does nothing
-- when the indicator already has observations.  Bron: CBS, CC BY 4.0.
-- Reads the repository root from PG_ABS_SRCDIR.
SET client_min_messages = warning;
SET search_path = public, krimp;
\getenv abs_srcdir PG_ABS_SRCDIR
SELECT EXISTS (SELECT 1 FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id)
                WHERE i.code = 'population') AS population_loaded \gset
\if :population_loaded
\else
BEGIN;
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, source, aggregation, direction_of_good, description)
VALUES ('population', 'Bevolking op 1 januari', 'persons', 'year', 'demography', 'CBS 37230ned', 'sum', 1,
        'Population on 1 January (CBS, Bevolkingsontwikkeling; regio per maand, 37230ned)')
ON CONFLICT (code) DO NOTHING;
\set f :abs_srcdir '/data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json'
\set doc `cat :'f'`
CREATE TEMP TABLE pop AS
SELECT btrim(r->>'RegioS') AS code, r->>'Perioden' AS period, (r->>'BevolkingAanHetBeginVanDePeriode_1') AS value
  FROM jsonb_each(ltrim(:'doc', E'\uFEFF')::jsonb -> 'value') AS e(id, r);
\unset doc
SELECT krimp.begin_batch('BZK', 'CBS 37230ned', 'Bevolkingsontwikkeling_gemeente_per_jaar.json') AS batch \gset
-- a null is a municipality that did not exist that year (before or after a merger): no row
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :batch, row_number() OVER (ORDER BY code, period), 'BZK', 'population', code, period, value
  FROM pop WHERE value IS NOT NULL;
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :batch, 1000000 + row_number() OVER (ORDER BY period), 'BZK', 'population', 'NL01', period, sum(value::numeric)::text
  FROM pop WHERE value IS NOT NULL GROUP BY period;
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:batch, on_error => 'abort');
COMMIT;
\endif
