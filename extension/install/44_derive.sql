-- Derived figures: a rate filed from two indicators' figures (issue 15).
--
-- krimp.derive_rate(rate, numerator) files, for every region version and
-- period where both have a figure, the rate indicator's figure
--   scale * numerator / denominator
-- with the denominator the rate indicator's own (krimp.indicator.denominator_id,
-- the catalogue's one home for it: share_65plus over population).  Both are
-- read with krimp.figures_as_of('infinity'), the one rule for the figure as
-- known (realisations only).  The derived figures go through begin_batch and
-- apply_batch like any load, one batch per vintage: a derived figure's
-- published_at is the later of its two figures' (it could not be known
-- before both were), its source "derived from NUMERATOR (its source) over
-- DENOMINATOR (its source)".  Only figures that differ from the rate's
-- current figure are staged, so a second call files nothing.
CREATE FUNCTION krimp.derive_rate(rate text, numerator text, org_code text DEFAULT 'BZK',
                                  scale double precision DEFAULT 100)
    RETURNS TABLE (batch_id bigint, source text, published_at timestamptz, figures bigint)
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    r krimp.indicator;
    n krimp.indicator;
    d krimp.indicator;
    v record;
    b bigint;
BEGIN
    SELECT * INTO r FROM krimp.indicator i WHERE i.code = rate;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator "%" does not exist', rate
            USING ERRCODE = 'undefined_object', HINT = 'Load the catalogue first: psql -f data/indicators.sql.';
    END IF;
    SELECT * INTO n FROM krimp.indicator i WHERE i.code = numerator;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator "%" does not exist', numerator
            USING ERRCODE = 'undefined_object', HINT = 'Load the catalogue first: psql -f data/indicators.sql.';
    END IF;
    SELECT * INTO d FROM krimp.indicator i WHERE i.indicator_id = r.denominator_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator "%" has no denominator', rate
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A rate is its numerator over the denominator krimp.indicator.denominator_id names.',
                  HINT = 'Set the rate indicator''s denominator_id (data/indicators.sql does for share_* and vacancy_rate).';
    END IF;
    IF scale IS NULL OR scale = 0 OR scale <> scale OR scale IN ('Infinity', '-Infinity') THEN
        RAISE EXCEPTION 'scale must be a finite number other than 0, not %', scale
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give 100 for a percentage (the default), 1 for a fraction.';
    END IF;
    CREATE TEMPORARY TABLE krimp_derived ON COMMIT DROP AS
    SELECT rg.code AS region_code, x.period, x.value,
           pg_catalog.format('derived from %s (%s) over %s (%s)', n.code, x.n_source, d.code, x.d_source) AS source,
           x.published_at
      FROM (SELECT fn.region_id, fn.period, scale * fn.value / fd.value AS value,
                   fn.source AS n_source, fd.source AS d_source,
                   GREATEST(fn.published_at, fd.published_at) AS published_at
              FROM krimp.figures_as_of('infinity') fn
              JOIN krimp.figures_as_of('infinity') fd
                ON fd.region_id = fn.region_id AND fd.period = fn.period
             WHERE fn.indicator_id = n.indicator_id AND fn.kind = 'realisation' AND fn.value IS NOT NULL
               AND fd.indicator_id = d.indicator_id AND fd.kind = 'realisation' AND fd.value > 0) x
      JOIN krimp.region rg ON rg.region_id = x.region_id
      LEFT JOIN krimp.figures_as_of('infinity') fr
        ON fr.indicator_id = r.indicator_id AND fr.region_id = x.region_id AND fr.period = x.period
       AND fr.kind = 'realisation'
     WHERE fr.value IS DISTINCT FROM x.value;
    FOR v IN SELECT k.source, k.published_at, count(*) AS n
               FROM krimp_derived k GROUP BY k.source, k.published_at ORDER BY k.published_at, k.source
    LOOP
        b := krimp.begin_batch(org_code, v.source, 'krimp.derive_rate(' || rate || ', ' || numerator || ')');
        INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code,
                                               period, value)
        SELECT b, pg_catalog.row_number() OVER (ORDER BY k.region_code, k.period), org_code, rate, k.region_code,
               k.period::text, k.value::text
          FROM krimp_derived k WHERE k.source = v.source AND k.published_at = v.published_at;
        PERFORM krimp.apply_batch(b, 'abort', v.published_at);
        batch_id := b;
        source := v.source;
        published_at := v.published_at;
        figures := v.n;
        RETURN NEXT;
    END LOOP;
    DROP TABLE krimp_derived;
END
$$;
COMMENT ON FUNCTION krimp.derive_rate(text, text, text, double precision) IS
    'files the rate indicator''s figures as scale * numerator / the rate''s denominator (krimp.indicator.denominator_id), from the figures as known (krimp.figures_as_of), one load batch per vintage (the later of the two figures'' published_at), source "derived from ..."; only figures that differ from the current ones: a second call files nothing';
REVOKE ALL ON FUNCTION krimp.derive_rate(text, text, text, double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.derive_rate(text, text, text, double precision) TO krimp_writer, krimp_admin;
