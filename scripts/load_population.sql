-- The national total NL01 of the CBS population, after the municipal figures
-- are loaded with krimpctl load (krimpctl demo does both, and runs this same
-- step itself): per year in which every municipality has a figure, their
-- sum (krimp.national_from_municipalities), in the vintage of the newest of
-- them, one load batch each; only where NL01 lacks the figure or has another
-- one, so a second run does nothing.
-- The indicator "population" is the catalogue's (data/indicators.sql, its one
-- home): load that first.
--   psql -f data/indicators.sql
--   krimpctl load -i population -o BZK -s 'CBS 37230ned' data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json
--   psql -f scripts/load_population.sql
-- Bron: CBS, CC BY 4.0.
SET client_min_messages = warning;
DO $nl$
DECLARE
    p record;
    b bigint;
BEGIN
    FOR p IN
        -- the sum of the municipalities as known now, where each has a figure:
        -- krimp.national_from_municipalities, the one home of the national total
        SELECT t.period, t.value, t.published_at
          FROM krimp.national_from_municipalities('infinity',
                   ARRAY(SELECT i.indicator_id FROM krimp.indicator i WHERE i.code = 'population'), false) t
         WHERE krimp.value_at(krimp.region_series('population', 'NL01'), t.period) IS DISTINCT FROM t.value
         ORDER BY t.period
    LOOP
        b := krimp.begin_batch('BZK', 'CBS 37230ned (national total: sum of the municipalities)', 'NL01');
        INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code,
                                               period, value)
        VALUES (b, 1, 'BZK', 'population', 'NL01', p.period::text, p.value::text);
        PERFORM krimp.apply_batch(b, 'abort', p.published_at);
    END LOOP;
END
$nl$;
