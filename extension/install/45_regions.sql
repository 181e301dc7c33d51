
-- ===================================================================
-- Regions from the bundled boundaries: yearly layers become region
-- versions, consecutive layers are overlaid into region changes, the
-- hierarchy and the decline regions are filled in, and indicators are
-- recast onto one year's layout (harmonisation).  See docs/regions.md.
--
-- Loading is for krimp_admin (revoked from PUBLIC); reading is for every
-- krimp role.
-- ===================================================================

-- ---- the yearly layers -----------------------------------------------
-- Every loaded boundary polygon, one row per layer, year and code, with the
-- region version it belongs to.  The overlay of consecutive years reads
-- these rows (not the versions' geometry), and the newest year loaded is
-- the layout of krimp.observation_harmonised.
CREATE TABLE krimp.region_boundary (
    layer       text NOT NULL CHECK (layer OPERATOR(pg_catalog.=) ANY (ARRAY['municipality', 'province', 'country'])),
    year        integer NOT NULL CHECK (year OPERATOR(pg_catalog.>=) 1800 AND year OPERATOR(pg_catalog.<=) 2200),
    code        text NOT NULL,
    name        text NOT NULL,
    geom        public.geometry(MultiPolygon, 28992) NOT NULL,
    region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    PRIMARY KEY (layer, year, code)
);
CREATE INDEX region_boundary_geom_idx ON krimp.region_boundary USING gist (geom);
CREATE INDEX region_boundary_region_idx ON krimp.region_boundary (region_id);
COMMENT ON TABLE krimp.region_boundary IS
    'the loaded yearly boundary layers (1 January of the year, EPSG:28992), each polygon linked to the region version it belongs to';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_boundary', '');
GRANT SELECT ON krimp.region_boundary TO krimp_reader;
GRANT INSERT, UPDATE, DELETE ON krimp.region_boundary TO krimp_admin;

-- ---- tolerances ------------------------------------------------------
-- A piece of an old polygon that another polygon of the next year covers is a
-- transfer only if, shrunk by 250 m, it still holds 3 % of the old polygon's
-- area: the generalised boundaries leave thin slivers along every shared
-- border, which shrinking removes (docs/regions.md lists what the data shows).
CREATE FUNCTION krimp.region_sliver_erosion() RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 250;
COMMENT ON FUNCTION krimp.region_sliver_erosion() IS
    'metres by which an overlap of consecutive years'' polygons is shrunk before its area share is judged (slivers of the generalised boundaries vanish)';
CREATE FUNCTION krimp.region_sliver_tolerance() RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 0.03;
COMMENT ON FUNCTION krimp.region_sliver_tolerance() IS
    'an overlap whose shrunk area is below this share of the old polygon''s area is a sliver, not a transfer';
-- A code keeps its version while what it takes in from ended codes and what
-- it gives to new codes stay below 5 % of its area.
CREATE FUNCTION krimp.region_version_tolerance() RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 0.05;
COMMENT ON FUNCTION krimp.region_version_tolerance() IS
    'a code starts a new version when the territory it takes in from ended codes, or gives to new codes, reaches this share of its area';

-- ---- reading a boundary file -----------------------------------------
-- The features of a GeoJSON FeatureCollection in WGS84 as (code, name,
-- polygon in RD New).  Errors name the feature.
CREATE FUNCTION krimp.geojson_regions(doc jsonb)
    RETURNS TABLE (code text, name text, geom public.geometry(MultiPolygon, 28992))
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    f jsonb;
    n integer := 0;
BEGIN
    IF jsonb_typeof(doc) <> 'object' OR doc->>'type' IS DISTINCT FROM 'FeatureCollection'
       OR jsonb_typeof(doc->'features') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'boundary document is not a GeoJSON FeatureCollection'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the whole file, {"type": "FeatureCollection", "features": [...]}, with properties statcode and statnaam.';
    END IF;
    FOR f IN SELECT x FROM jsonb_array_elements(doc->'features') x LOOP
        n := n + 1;
        code := krimp.normalise_region_code(f->'properties'->>'statcode');
        name := btrim(f->'properties'->>'statnaam');
        IF code IS NULL OR krimp.region_level(code) IS NULL THEN
            RAISE EXCEPTION 'feature % has no valid CBS region code', n
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('Its property statcode is %s.', coalesce(quote_literal(f->'properties'->>'statcode'), 'missing')),
                      HINT = 'Every feature needs a statcode such as GM0014 or PV20.';
        END IF;
        IF coalesce(name, '') = '' THEN
            RAISE EXCEPTION 'feature % (%) has no name', n, code
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Every feature needs the property statnaam.';
        END IF;
        BEGIN
            geom := public.ST_Multi(public.ST_CollectionExtract(public.ST_MakeValid(
                        public.ST_Transform(public.ST_SetSRID(public.ST_GeomFromGeoJSON(f->'geometry'), 4326), 28992)), 3));
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'feature % (%) has no readable geometry', n, code
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = SQLERRM,
                      HINT = 'Geometries must be GeoJSON Polygons or MultiPolygons in WGS84 (longitude, latitude).';
        END;
        IF public.ST_IsEmpty(geom) THEN
            RAISE EXCEPTION 'feature % (%) has no area', n, code
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Every feature needs a Polygon or MultiPolygon geometry.';
        END IF;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION krimp.geojson_regions(jsonb) IS
    'the features of a GeoJSON FeatureCollection (WGS84, properties statcode and statnaam) as normalised code, name and valid MultiPolygon in EPSG:28992';

-- ---- loading one year's layer ----------------------------------------
CREATE FUNCTION krimp.load_boundaries(level text, year integer, doc jsonb,
                                      OUT features integer, OUT versions_started integer,
                                      OUT versions_ended integer, OUT changes integer)
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET client_min_messages = warning
    AS $$
DECLARE
    lyr text := load_boundaries.level;
    y integer := load_boundaries.year;
    layers text[];
    l text;
    prev integer;
    day date := make_date(load_boundaries.year, 1, 1);
    bad record;
    n integer;
BEGIN
    IF lyr NOT IN ('municipality', 'province') THEN
        RAISE EXCEPTION 'cannot load boundaries of level "%"', lyr
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Load ''municipality'' or ''province'' layers; the country (NL01) follows from the provinces.';
    END IF;
    IF y < 1800 OR y > 2200 THEN
        RAISE EXCEPTION 'boundary year % is out of range', y
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT max(b.year) INTO prev FROM krimp.region_boundary b WHERE b.layer = lyr;
    IF prev IS NOT NULL AND y <= prev THEN
        RAISE EXCEPTION 'the % boundaries of % are already loaded', lyr, y
            USING ERRCODE = 'unique_violation',
                  DETAIL = format('Years up to %s are loaded.', prev),
                  HINT = format('Load %s next; to load a year again, delete the region versions and start from the first year.', prev + 1);
    END IF;
    IF prev IS NOT NULL AND y <> prev + 1 THEN
        RAISE EXCEPTION 'the % boundaries of % cannot follow those of %', lyr, y, prev
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Versions and changes are derived from consecutive years.',
                  HINT = format('Load the year %s first.', prev + 1);
    END IF;

    DROP TABLE IF EXISTS pg_temp.krimp_layer;
    CREATE TEMP TABLE krimp_layer ON COMMIT DROP AS
        SELECT lyr AS layer, g.code, g.name, g.geom FROM krimp.geojson_regions(doc) g;
    SELECT count(*) INTO features FROM pg_temp.krimp_layer;
    SELECT x.code, count(*) AS n INTO bad FROM pg_temp.krimp_layer x GROUP BY x.code HAVING count(*) > 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region code % occurs % times in the % boundaries of %', bad.code, bad.n, lyr, y
            USING ERRCODE = 'unique_violation',
                  HINT = 'A layer holds one feature per code.';
    END IF;
    SELECT x.code INTO bad FROM pg_temp.krimp_layer x WHERE krimp.region_level(x.code) <> lyr LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region code % is not a % code', bad.code, lyr
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A municipality layer holds GM codes, a province layer PV codes.';
    END IF;
    IF features = 0 THEN
        RAISE EXCEPTION 'the % boundaries of % have no features', lyr, y
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- the country is the union of the provinces
    layers := ARRAY[lyr];
    IF lyr = 'province' THEN
        INSERT INTO pg_temp.krimp_layer
        SELECT 'country', 'NL01', 'Nederland',
               public.ST_Multi(public.ST_CollectionExtract(public.ST_MakeValid(public.ST_Union(x.geom)), 3))
          FROM pg_temp.krimp_layer x;
        layers := layers || 'country'::text;
    END IF;

    versions_started := 0; versions_ended := 0; changes := 0;
    FOREACH l IN ARRAY layers LOOP
        SELECT max(b.year) INTO prev FROM krimp.region_boundary b WHERE b.layer = l;
        IF prev IS NULL THEN
            -- the first year: every code starts a version
            WITH v AS (
                INSERT INTO krimp.region (code, name, level, valid_from, geom)
                SELECT x.code, x.name, l, day, x.geom FROM pg_temp.krimp_layer x WHERE x.layer = l
                RETURNING region_id, code)
            INSERT INTO krimp.region_boundary (layer, year, code, name, geom, region_id)
            SELECT l, y, x.code, x.name, x.geom, v.region_id
              FROM pg_temp.krimp_layer x JOIN v USING (code) WHERE x.layer = l;
            GET DIAGNOSTICS n = ROW_COUNT;
            versions_started := versions_started + n;
            CONTINUE;
        END IF;

        -- last year's polygons with their versions, this year's polygons
        DROP TABLE IF EXISTS pg_temp.krimp_old, pg_temp.krimp_new, pg_temp.krimp_piece, pg_temp.krimp_reversion;
        CREATE TEMP TABLE krimp_old ON COMMIT DROP AS
            SELECT b.code, b.geom, b.region_id, public.ST_Area(b.geom) AS area,
                   EXISTS (SELECT 1 FROM pg_temp.krimp_layer x WHERE x.layer = l AND x.code = b.code) AS continues
              FROM krimp.region_boundary b WHERE b.layer = l AND b.year = prev;
        CREATE TEMP TABLE krimp_new ON COMMIT DROP AS
            SELECT x.code, x.name, x.geom, public.ST_Area(x.geom) AS area,
                   EXISTS (SELECT 1 FROM pg_temp.krimp_old o WHERE o.code = x.code) AS continues
              FROM pg_temp.krimp_layer x WHERE x.layer = l;
        CREATE INDEX ON pg_temp.krimp_new USING gist (geom);
        CREATE INDEX ON pg_temp.krimp_old USING gist (geom);
        ANALYZE pg_temp.krimp_new;
        ANALYZE pg_temp.krimp_old;

        -- Territory that moved between codes: pieces of ended codes in this year's
        -- polygons, and pieces of last year's polygons in new codes.  Only codes that
        -- ended or started are intersected, through the GiST index.
        CREATE TEMP TABLE krimp_piece ON COMMIT DROP AS
        SELECT o.code AS old_code, nw.code AS new_code, o.area AS old_area, nw.area AS new_area,
               public.ST_Area(i.g) AS area,
               public.ST_Area(public.ST_Buffer(i.g, -krimp.region_sliver_erosion())) AS core_area
          FROM pg_temp.krimp_old o
          JOIN pg_temp.krimp_new nw ON public.ST_Intersects(o.geom, nw.geom)
         CROSS JOIN LATERAL (SELECT public.ST_Intersection(o.geom, nw.geom) AS g) i
         WHERE (NOT o.continues OR NOT nw.continues) AND o.code <> nw.code;
        -- a continuing code takes a new version when it takes in, or gives away, a
        -- substantial part of its territory through ended or new codes
        CREATE TEMP TABLE krimp_reversion ON COMMIT DROP AS
        SELECT c.code
          FROM pg_temp.krimp_new c
         WHERE c.continues
           AND (coalesce((SELECT sum(p.area) FROM pg_temp.krimp_piece p
                           WHERE p.new_code = c.code
                             AND p.core_area >= krimp.region_sliver_tolerance() * p.old_area), 0)
                  >= krimp.region_version_tolerance() * c.area
                OR coalesce((SELECT sum(p.area) FROM pg_temp.krimp_piece p
                              WHERE p.old_code = c.code
                                AND p.core_area >= krimp.region_sliver_tolerance() * p.old_area), 0)
                  >= krimp.region_version_tolerance() * (SELECT o.area FROM pg_temp.krimp_old o WHERE o.code = c.code));

        -- end the versions of ended and re-versioned codes
        UPDATE krimp.region r SET valid_to = day
          FROM pg_temp.krimp_old o
         WHERE r.region_id = o.region_id
           AND (NOT o.continues OR o.code IN (SELECT v.code FROM pg_temp.krimp_reversion v));
        GET DIAGNOSTICS n = ROW_COUNT;
        versions_ended := versions_ended + n;
        -- continuing versions take this year's name and polygon
        UPDATE krimp.region r SET name = nw.name, geom = nw.geom
          FROM pg_temp.krimp_old o JOIN pg_temp.krimp_new nw USING (code)
         WHERE r.region_id = o.region_id AND r.valid_to IS NULL;
        -- start versions of new and re-versioned codes
        INSERT INTO krimp.region (code, name, level, valid_from, geom)
        SELECT nw.code, nw.name, l, day, nw.geom FROM pg_temp.krimp_new nw
         WHERE NOT nw.continues OR nw.code IN (SELECT v.code FROM pg_temp.krimp_reversion v);
        GET DIAGNOSTICS n = ROW_COUNT;
        versions_started := versions_started + n;
        INSERT INTO krimp.region_boundary (layer, year, code, name, geom, region_id)
        SELECT l, y, nw.code, nw.name, nw.geom, r.region_id
          FROM pg_temp.krimp_new nw
          JOIN krimp.region r ON r.code = nw.code AND r.valid_from <= day
                             AND (r.valid_to IS NULL OR r.valid_to > day);

        -- Region changes: every ended version's polygon of last year overlaid with
        -- this year's polygons; slivers dropped, shares renormalised to sum to 1.
        WITH ended AS (
            SELECT o.* FROM pg_temp.krimp_old o JOIN krimp.region r ON r.region_id = o.region_id
             WHERE r.valid_to = day
        ), piece AS (
            SELECT e.region_id AS old_id, e.code AS old_code, nb.region_id AS new_id, nb.code AS new_code,
                   public.ST_Area(i.g) / e.area AS raw_share,
                   public.ST_Area(public.ST_Buffer(i.g, -krimp.region_sliver_erosion())) / e.area AS core_share
              FROM ended e
              JOIN krimp.region_boundary nb ON nb.layer = l AND nb.year = y AND public.ST_Intersects(e.geom, nb.geom)
             CROSS JOIN LATERAL (SELECT public.ST_Intersection(e.geom, nb.geom) AS g) i
        ), ranked AS (
            SELECT p.*, row_number() OVER (PARTITION BY p.old_id ORDER BY p.raw_share DESC, p.new_code) AS rank
              FROM piece p
        ), kept AS (
            -- an old version whose every piece is a sliver goes whole to its largest overlap
            SELECT k.* FROM ranked k
             WHERE k.core_share >= krimp.region_sliver_tolerance() OR k.rank = 1
        ), shared AS (
            SELECT k.*, k.raw_share / sum(k.raw_share) OVER (PARTITION BY k.old_id) AS share,
                   count(*) OVER (PARTITION BY k.old_id) AS n_succ,
                   count(*) OVER (PARTITION BY k.new_id) AS n_pred,
                   bool_or(k.old_code = k.new_code) OVER (PARTITION BY k.old_id) AS code_continues
              FROM kept k
        )
        INSERT INTO krimp.region_change (old_region_id, new_region_id, effective, share, kind)
        SELECT s.old_id, s.new_id, day, s.share,
               CASE WHEN s.n_succ = 1 AND s.n_pred = 1 THEN 'continuation'
                    WHEN s.n_succ = 1 THEN 'merger'
                    WHEN s.rank = 1 AND s.n_pred > 1 THEN 'merger'
                    WHEN s.code_continues THEN 'boundary'
                    ELSE 'split' END
          FROM shared s;
        GET DIAGNOSTICS n = ROW_COUNT;
        changes := changes + n;
        -- every ended version has successors
        SELECT o.code INTO bad FROM pg_temp.krimp_old o JOIN krimp.region r ON r.region_id = o.region_id
         WHERE r.valid_to = day
           AND NOT EXISTS (SELECT 1 FROM krimp.region_change c WHERE c.old_region_id = o.region_id)
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'region % of % overlaps no region of %', bad.code, prev, y
                USING ERRCODE = 'data_exception',
                      DETAIL = 'Its territory must go somewhere for the shares to sum to 1.',
                      HINT = 'Check that both years'' layers cover the whole country.';
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION krimp.load_boundaries(text, integer, jsonb) IS
    'load one year''s boundary layer (''municipality'' or ''province'', GeoJSON in WGS84, the year after the last one loaded): codes keep their version while their territory stays nearly the same, ended and changed codes get region changes with area shares; a province layer also makes the country NL01';
REVOKE ALL ON FUNCTION krimp.load_boundaries(text, integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.load_boundaries(text, integer, jsonb) TO krimp_admin;

-- ---- hierarchy -------------------------------------------------------
-- Rebuild the spatial links: municipality in province (the point on the
-- surface of its polygon, per year) and province in country, with validity
-- runs of consecutive years.
CREATE FUNCTION krimp.derive_region_hierarchy() RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM krimp.region_parent rp
     USING krimp.region c, krimp.region p
     WHERE c.region_id = rp.region_id AND p.region_id = rp.parent_id
       AND ((c.level = 'municipality' AND p.level = 'province') OR (c.level = 'province' AND p.level = 'country'));
    WITH link AS (
        SELECT m.year, m.region_id, p.region_id AS parent_id
          FROM krimp.region_boundary m
          JOIN krimp.region_boundary p ON p.layer = 'province' AND p.year = m.year
                                      AND public.ST_Intersects(p.geom, public.ST_PointOnSurface(m.geom))
         WHERE m.layer = 'municipality'
        UNION ALL
        SELECT p.year, p.region_id, c.region_id
          FROM krimp.region_boundary p
          JOIN krimp.region_boundary c ON c.layer = 'country' AND c.year = p.year
         WHERE p.layer = 'province'
    ), one AS (
        -- a point on a shared border could fall in two provinces: take one
        SELECT DISTINCT ON (year, region_id) * FROM link ORDER BY year, region_id, parent_id
    ), island AS (
        SELECT region_id, parent_id, min(year) AS first_year, max(year) AS last_year
          FROM (SELECT o.*, o.year - row_number() OVER (PARTITION BY o.region_id, o.parent_id ORDER BY o.year) AS grp
                  FROM one o) g
         GROUP BY region_id, parent_id, grp
    )
    INSERT INTO krimp.region_parent (region_id, parent_id, valid_from, valid_to)
    SELECT i.region_id, i.parent_id, make_date(i.first_year, 1, 1),
           CASE WHEN c.valid_to IS NULL AND p.valid_to IS NULL
                     AND i.last_year = (SELECT max(b.year) FROM krimp.region_boundary b
                                         WHERE b.layer = c.level)
                THEN NULL ELSE make_date(i.last_year + 1, 1, 1) END
      FROM island i
      JOIN krimp.region c ON c.region_id = i.region_id
      JOIN krimp.region p ON p.region_id = i.parent_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION krimp.derive_region_hierarchy() IS
    'rebuild the spatial hierarchy from the loaded layers: municipality in province (by a point on its surface, per year) and province in country, each with its validity; returns the number of links';
REVOKE ALL ON FUNCTION krimp.derive_region_hierarchy() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.derive_region_hierarchy() TO krimp_admin;

-- CBS's area layers of one year (TopoJSON; only the properties are read):
-- landsdelen and COROP areas become region versions without geometry from
-- 1 January of that year, and the municipalities of that year's layout are
-- linked to their COROP area and landsdeel; COROP areas to their province,
-- provinces to their landsdeel, landsdelen to the country.
CREATE FUNCTION krimp.load_region_layout(year integer, doc jsonb) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET client_min_messages = warning
    AS $$
DECLARE
    day date := make_date(load_region_layout.year, 1, 1);
    bad record;
    n integer;
    total integer := 0;
BEGIN
    IF doc->>'type' IS DISTINCT FROM 'Topology' OR jsonb_typeof(doc->'objects') IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'region layout document is not a TopoJSON topology'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a whole CBS area layer file, {"type": "Topology", "objects": {...}}.';
    END IF;
    DROP TABLE IF EXISTS pg_temp.krimp_props;
    CREATE TEMP TABLE krimp_props ON COMMIT DROP AS
    SELECT g->'properties'->>'rubriek' AS rubriek,
           krimp.normalise_region_code(g->'properties'->>'statcode') AS code,
           btrim(g->'properties'->>'statnaam') AS name,
           krimp.normalise_region_code(g->'properties'->>'corop_gebied') AS corop,
           krimp.normalise_region_code(g->'properties'->>'provincie') AS province,
           krimp.normalise_region_code(g->'properties'->>'landsdeel') AS landsdeel,
           krimp.normalise_region_code(g->'properties'->>'land') AS country
      FROM jsonb_each(doc->'objects') o, jsonb_array_elements(o.value->'geometries') g;
    SELECT * INTO bad FROM pg_temp.krimp_props
     WHERE rubriek IS NULL OR rubriek NOT IN ('gemeente', 'coropgebied', 'provincie', 'landsdeel')
        OR code IS NULL OR krimp.region_level(code) IS NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region layout has an object that is no municipality, COROP area, province or landsdeel'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Its properties give rubriek %s and statcode %s.',
                                  coalesce(quote_literal(bad.rubriek), 'none'), coalesce(quote_literal(bad.code), 'none')),
                  HINT = 'Load the CBS layers Gemeente, CoropGebied, Provincie and Landsdeel.';
    END IF;

    -- landsdelen and COROP areas: a version from the layout's date unless one holds then
    INSERT INTO krimp.region (code, name, level, valid_from)
    SELECT DISTINCT ON (p.code) p.code, p.name, krimp.region_level(p.code), day
      FROM pg_temp.krimp_props p
     WHERE p.rubriek IN ('coropgebied', 'landsdeel')
       AND krimp.region_at(p.code, load_region_layout.year::text::krimp.period) IS NULL
       AND NOT EXISTS (SELECT 1 FROM krimp.region r WHERE r.code = p.code AND r.valid_from > day);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;

    -- links; every code must have a version on the layout's date
    DROP TABLE IF EXISTS pg_temp.krimp_links;
    CREATE TEMP TABLE krimp_links ON COMMIT DROP AS
    SELECT l.child, l.parent,
           krimp.region_at(l.child, load_region_layout.year::text::krimp.period) AS child_id,
           krimp.region_at(l.parent, load_region_layout.year::text::krimp.period) AS parent_id
      FROM (SELECT p.code AS child, p.corop AS parent FROM pg_temp.krimp_props p WHERE p.rubriek = 'gemeente'
            UNION SELECT p.code, p.landsdeel FROM pg_temp.krimp_props p WHERE p.rubriek = 'gemeente'
            UNION SELECT p.code, p.province FROM pg_temp.krimp_props p WHERE p.rubriek = 'coropgebied'
            UNION SELECT p.code, p.landsdeel FROM pg_temp.krimp_props p WHERE p.rubriek = 'provincie'
            UNION SELECT p.code, p.country FROM pg_temp.krimp_props p WHERE p.rubriek = 'landsdeel') l
     WHERE l.parent IS NOT NULL;
    SELECT * INTO bad FROM pg_temp.krimp_links WHERE child_id IS NULL OR parent_id IS NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region % has no version on %', CASE WHEN bad.child_id IS NULL THEN bad.child ELSE bad.parent END, day
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('The layout links %s to %s.', bad.child, bad.parent),
                  HINT = format('Load the boundaries of %s first, and the Landsdeel and CoropGebied layers before the Gemeente layer.', load_region_layout.year);
    END IF;
    INSERT INTO krimp.region_parent (region_id, parent_id, valid_from, valid_to)
    SELECT k.child_id, k.parent_id, greatest(c.valid_from, p.valid_from),
           CASE WHEN c.valid_to IS NULL THEN p.valid_to WHEN p.valid_to IS NULL THEN c.valid_to
                ELSE least(c.valid_to, p.valid_to) END
      FROM pg_temp.krimp_links k
      JOIN krimp.region c ON c.region_id = k.child_id
      JOIN krimp.region p ON p.region_id = k.parent_id
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN total + n;
END
$$;
COMMENT ON FUNCTION krimp.load_region_layout(integer, jsonb) IS
    'read a CBS area layer of one year (TopoJSON; properties only): landsdelen and COROP areas become region versions without geometry from 1 January, and municipalities, COROP areas, provinces and landsdelen are linked to their parents; returns the number of versions and links added';
REVOKE ALL ON FUNCTION krimp.load_region_layout(integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.load_region_layout(integer, jsonb) TO krimp_admin;

-- ---- designated groups -----------------------------------------------
-- A group's own row in krimp.region (level 'group', the group's code), on
-- which the figures a group has of its own are filed: the report's
-- "Zeeuws-Vlaanderen vacancy 9.9 % -> 7.6 %" is a figure of the region, not
-- a sum of its municipalities.  Its territory is the member versions the
-- group was given (the union of their boundaries); it holds from 1900 on
-- and is never closed, because a group's figures of any year describe that
-- territory.  Made or updated by krimp.load_region_group; returns its id.
CREATE FUNCTION krimp.group_region(group_code text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    g krimp.region_group;
    id bigint;
    shape public.geometry;
BEGIN
    SELECT * INTO g FROM krimp.region_group x WHERE x.group_code OPERATOR(pg_catalog.=) group_region.group_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no region group "%"', group_code
            USING ERRCODE = 'no_data_found', HINT = 'Create the group with krimp.load_region_group first.';
    END IF;
    SELECT public.ST_Multi(public.ST_CollectionExtract(public.ST_Union(r.geom), 3)) INTO shape
      FROM krimp.region_group_member m JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) m.region_id
     WHERE m.group_code OPERATOR(pg_catalog.=) g.group_code;
    UPDATE krimp.region r SET name = g.name, geom = shape
     WHERE r.code OPERATOR(pg_catalog.=) g.group_code AND r.level OPERATOR(pg_catalog.=) 'group'
    RETURNING r.region_id INTO id;
    IF id IS NULL THEN
        INSERT INTO krimp.region (code, name, level, valid_from, geom)
        VALUES (g.group_code, g.name, 'group', DATE '1900-01-01', shape)
        RETURNING region_id INTO id;
    END IF;
    RETURN id;
END
$$;
COMMENT ON FUNCTION krimp.group_region(text) IS
    'make or update a designated group''s own row in krimp.region (level group, the group''s code, the union of the boundaries of the member versions it was given, valid from 1900 and never closed), on which its figures of its own are filed; returns its region_id';
REVOKE ALL ON FUNCTION krimp.group_region(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.group_region(text) TO krimp_admin;

CREATE FUNCTION krimp.load_region_group(group_code text, name text, designation text, province_code text,
                                        designated_on date, layout_year integer, member_codes text[],
                                        note text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    bad text;
    n integer;
BEGIN
    IF group_code IS NULL OR name IS NULL OR designation IS NULL OR designated_on IS NULL
       OR layout_year IS NULL OR member_codes IS NULL THEN
        RAISE EXCEPTION 'a region group needs its code, name, designation, designation date, layout year and members'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT krimp.is_group_code(group_code) THEN
        RAISE EXCEPTION 'invalid group code "%"', group_code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A group''s code names its own row in krimp.region, beside the CBS codes.',
                  HINT = 'Use upper-case letters and digits with a hyphen after a prefix, at most 32 characters, as KR-ZVLAANDEREN (krimp.is_group_code).';
    END IF;
    SELECT c INTO bad FROM unnest(member_codes) c
     WHERE krimp.region_at(c, layout_year::text::krimp.period) IS NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region % has no version in the layout of %', bad, layout_year
            USING ERRCODE = 'foreign_key_violation',
                  HINT = format('Members are given in the layout of 1 January %s; load that year''s boundaries first.', layout_year);
    END IF;
    INSERT INTO krimp.region_group (group_code, name, designation, province_code, designated_on, note)
    VALUES (load_region_group.group_code, load_region_group.name, load_region_group.designation,
            krimp.normalise_region_code(load_region_group.province_code), load_region_group.designated_on,
            load_region_group.note)
    ON CONFLICT ON CONSTRAINT region_group_pkey DO UPDATE
       SET name = EXCLUDED.name, designation = EXCLUDED.designation, province_code = EXCLUDED.province_code,
           designated_on = EXCLUDED.designated_on, note = EXCLUDED.note;
    DELETE FROM krimp.region_group_member m WHERE m.group_code = load_region_group.group_code;
    -- a member from the designation (or its version's start) to its version's end
    INSERT INTO krimp.region_group_member (group_code, region_id, valid_from, valid_to)
    SELECT load_region_group.group_code, r.region_id, greatest(r.valid_from, designated_on), r.valid_to
      FROM (SELECT DISTINCT krimp.region_at(c, layout_year::text::krimp.period) AS region_id
              FROM unnest(member_codes) c) v
      JOIN krimp.region r USING (region_id)
     WHERE r.valid_to IS NULL OR r.valid_to > designated_on;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM krimp.group_region(load_region_group.group_code);
    RETURN n;
END
$$;
COMMENT ON FUNCTION krimp.load_region_group(text, text, text, text, date, integer, text[], text) IS
    'create or replace a designated group (topkrimpregio, anticipeerregio) with its members given as codes in the layout of a year; each member version belongs from the designation date to the end of the version; makes or updates the group''s own row in krimp.region (krimp.group_region); returns the number of members';
REVOKE ALL ON FUNCTION krimp.load_region_group(text, text, text, text, date, integer, text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.load_region_group(text, text, text, text, date, integer, text[], text) TO krimp_admin;

-- ---- group membership through mergers ---------------------------------------
-- The one home of group membership: the member versions a group was given
-- (krimp.region_group_member) and, through krimp.region_change, every version
-- that succeeds them, with the share of the successor's area that comes from
-- members (area, because the change shares are area shares and every version
-- loaded from the boundaries has its geometry; a version without geometry
-- takes the change share itself).  A successor belongs from the change to the
-- end of its version, never after the group's withdrawal.  On a date: the
-- member versions that hold then (before the designation, the versions it was
-- given: the group's territory on that day's layout).
CREATE FUNCTION krimp.group_members(group_code text, at date DEFAULT NULL)
    RETURNS TABLE (region_id bigint, code text, name text, share double precision,
                   valid_from date, valid_to date, designated boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH RECURSIVE g AS (
        SELECT x.group_code, x.withdrawn_on FROM krimp.region_group x
         WHERE x.group_code OPERATOR(pg_catalog.=) group_members.group_code
    ), part AS (
        -- the part of each successor's area that comes from each predecessor, of
        -- all the area it takes in (the yearly boundary files differ slightly)
        SELECT c.old_region_id, c.new_region_id, c.effective,
               coalesce(c.share * public.ST_Area(o.geom)
                        / nullif(pg_catalog.sum(c.share * public.ST_Area(o.geom)) OVER (PARTITION BY c.new_region_id), 0),
                        c.share) AS part
          FROM krimp.region_change c JOIN krimp.region o ON o.region_id OPERATOR(pg_catalog.=) c.old_region_id
    ), chain (region_id, share, valid_from, designated, depth) AS (
        SELECT m.region_id, 1::double precision, m.valid_from, true, 0
          FROM krimp.region_group_member m JOIN g USING (group_code)
        UNION ALL
        SELECT c.new_region_id, ch.share * c.part, c.effective, false, ch.depth + 1
          FROM chain ch
          JOIN part c ON c.old_region_id OPERATOR(pg_catalog.=) ch.region_id
          CROSS JOIN g
         WHERE (g.withdrawn_on IS NULL OR c.effective OPERATOR(pg_catalog.<) g.withdrawn_on)
           AND ch.depth OPERATOR(pg_catalog.<) 50
    ), m AS (
        SELECT ch.region_id, least(sum(ch.share), 1::double precision) AS share, min(ch.valid_from) AS valid_from,
               bool_or(ch.designated) AS designated
          FROM chain ch GROUP BY ch.region_id
    )
    SELECT r.region_id, r.code, r.name, m.share, m.valid_from,
           CASE WHEN g.withdrawn_on IS NULL THEN r.valid_to
                WHEN r.valid_to IS NULL THEN g.withdrawn_on ELSE least(r.valid_to, g.withdrawn_on) END,
           m.designated
      FROM m JOIN krimp.region r USING (region_id) CROSS JOIN g
     WHERE m.share OPERATOR(pg_catalog.>) 0.0005
       AND (group_members.at IS NULL
            OR (r.valid_from OPERATOR(pg_catalog.<=) group_members.at
                AND (r.valid_to IS NULL OR r.valid_to OPERATOR(pg_catalog.>) group_members.at)
                AND (g.withdrawn_on IS NULL OR g.withdrawn_on OPERATOR(pg_catalog.>) group_members.at)))
     ORDER BY m.valid_from, r.code
$$;
COMMENT ON FUNCTION krimp.group_members(text, date) IS
    'the members of a designated group (all membership periods, or the member versions that hold on a date): the versions it was given and, through the region changes, their successors, each with the share of its area that comes from members, from the designation or the change to the end of the version or the withdrawal';
REVOKE ALL ON FUNCTION krimp.group_members(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.group_members(text, date) TO krimp_reader;

-- ---- harmonisation ---------------------------------------------------

-- The newest boundary year loaded: the current layout.
CREATE FUNCTION krimp.latest_layout_year() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT max(b.year) FROM krimp.region_boundary b
$$;
COMMENT ON FUNCTION krimp.latest_layout_year() IS
    'the newest boundary year loaded, whose layout krimp.observation_harmonised uses; NULL before any load';

-- How much of each region version ends up in each version valid on a date:
-- 1 for a version valid then, the product of shares along the change chain
-- for one that ended before, summed over paths.
CREATE FUNCTION krimp.region_weights(on_date date)
    RETURNS TABLE (region_id bigint, target_id bigint, weight double precision)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH RECURSIVE chain (region_id, target_id, weight) AS (
        SELECT r.region_id, r.region_id, 1::double precision
          FROM krimp.region r
         WHERE r.valid_from <= on_date AND (r.valid_to IS NULL OR r.valid_to > on_date)
        UNION ALL
        SELECT c.old_region_id, ch.target_id, ch.weight * c.share
          FROM chain ch
          JOIN krimp.region_change c ON c.new_region_id = ch.region_id
         WHERE c.effective <= on_date
    )
    SELECT ch.region_id, ch.target_id, sum(ch.weight) FROM chain ch GROUP BY ch.region_id, ch.target_id
$$;
COMMENT ON FUNCTION krimp.region_weights(date) IS
    'for every region version, the share of it that lies in each version valid on the date (1 for the version itself, the product of change shares along the chain for earlier versions); versions that start after the date have none';

-- The one home of the recasting: the figures of one kind (realisations, or the
-- forecasts of one producer and base year) as krimp.figures_as_of(known_at,
-- released_only) gives them, recast onto a layout.
CREATE FUNCTION krimp.harmonise(indicator_code text, layout_year integer, known_at timestamptz,
                                released_only boolean, figure_kind text, forecast_producer text,
                                forecast_base_year integer)
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, value double precision)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    ind krimp.indicator;
    den krimp.indicator;
BEGIN
    IF figure_kind <> ALL (krimp.observation_kinds())
       OR (figure_kind = 'forecast') <> (forecast_producer <> '' AND forecast_base_year <> 0) THEN
        RAISE EXCEPTION 'figures of kind "%" with producer "%" and base year % cannot be recast', figure_kind,
                        forecast_producer, forecast_base_year
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give kind ''realisation'' with producer '''' and base year 0, or ''forecast'' with its producer and base year.';
    END IF;
    SELECT * INTO ind FROM krimp.indicator i WHERE i.code = harmonise.indicator_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator "%" does not exist', indicator_code
            USING ERRCODE = 'undefined_object',
                  HINT = 'The indicators are listed in krimp.indicator.';
    END IF;
    IF layout_year < 1800 OR layout_year > 2200 THEN
        RAISE EXCEPTION 'layout year % is out of range', layout_year
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the year whose layout on 1 January the figures are recast onto, for example 2023.';
    END IF;
    IF ind.aggregation = 'none' THEN
        RAISE EXCEPTION 'indicator "%" cannot be recast onto another layout', ind.code
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its aggregation is ''none'': figures of regions cannot be combined.',
                  HINT = 'Read it per region version with krimp.region_series() or krimp.series_current.';
    END IF;
    IF ind.aggregation = 'weighted mean' THEN
        SELECT * INTO den FROM krimp.indicator i WHERE i.indicator_id = ind.denominator_id;
        IF den.aggregation <> 'sum' THEN
            RAISE EXCEPTION 'indicator "%" is weighted by "%", which is not a count', ind.code, den.code
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'A rate is recast through its numerator and denominator; give it a denominator with aggregation ''sum''.';
        END IF;
    END IF;

    RETURN QUERY
    WITH w AS (
        SELECT * FROM krimp.region_weights(make_date(layout_year, 1, 1))
    ), obs AS (
        -- the realisations of the indicator (and of its denominator) as known then
        -- (and released then, with released_only): krimp.figures_as_of
        SELECT o.indicator_id, o.region_id, o.period, o.value
          FROM krimp.figures_as_of(known_at, released_only) o
         WHERE o.indicator_id IN (ind.indicator_id, den.indicator_id) AND o.kind = harmonise.figure_kind
           AND o.forecast_producer = harmonise.forecast_producer
           AND o.forecast_base_year = harmonise.forecast_base_year
    ), fig AS (
        -- a count as it is; a rate as numerator (rate times denominator) and denominator
        SELECT x.region_id, x.period,
               CASE WHEN den.indicator_id IS NULL THEN x.v ELSE x.v * x.d END AS num, x.d AS den
          FROM (SELECT o.region_id, o.period,
                       max(o.value) FILTER (WHERE o.indicator_id = ind.indicator_id) AS v,
                       max(o.value) FILTER (WHERE o.indicator_id = den.indicator_id) AS d,
                       bool_or(o.indicator_id = ind.indicator_id) AS has_figure
                  FROM obs o GROUP BY o.region_id, o.period) x
         WHERE x.has_figure
    ), agg AS (
        SELECT w.target_id, f.period, sum(w.weight * f.num) AS num, sum(w.weight * f.den) AS den,
               count(f.num) AS n_values
          FROM fig f JOIN w ON w.region_id = f.region_id
         GROUP BY w.target_id, f.period
    ), expected AS (
        -- the versions the figures of each period belong to (krimp.figure_region_days:
        -- a realisation's hold in its period, a forecast's on 1 January of its base
        -- year) and that lie (partly) in each target
        SELECT w.target_id, p.period, count(*) AS n_versions
          FROM w
          JOIN krimp.region v ON v.region_id = w.region_id
          JOIN (SELECT DISTINCT f.period FROM fig f) p
            ON pg_catalog.daterange(v.valid_from, v.valid_to)
               @> krimp.figure_region_days(harmonise.figure_kind, harmonise.forecast_base_year, p.period, p.period)
         GROUP BY w.target_id, p.period
    )
    SELECT r.region_id, r.code, r.name, a.period,
           -- complete only if every version that holds in the period and lies in the
           -- target has a figure; otherwise the value is unknown
           CASE WHEN a.n_values = e.n_versions
                THEN CASE WHEN den.indicator_id IS NULL THEN a.num ELSE a.num / nullif(a.den, 0) END
           END
      FROM agg a
      JOIN krimp.region r ON r.region_id = a.target_id
      LEFT JOIN expected e ON e.target_id = a.target_id AND e.period OPERATOR(krimp.=) a.period
     ORDER BY r.code, a.period;
END
$$;
COMMENT ON FUNCTION krimp.harmonise(text, integer, timestamptz, boolean, text, text, integer) IS
    'an indicator''s figures of one kind (realisation; or forecast, of one producer and base year) as known at a moment (krimp.figures_as_of; with released_only only the released ones) recast onto the region versions valid on 1 January of a layout year: counts are summed with the area shares of the change chain, rates are recast through numerator and denominator (of the same kind); NULL where a contributing figure is missing';

-- krimp.harmonise with released_only: the realisations, krimp.figures_as_of(known_at, released_only)
CREATE FUNCTION krimp.harmonise(indicator_code text, layout_year integer, known_at timestamptz,
                                released_only boolean)
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, value double precision)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT * FROM krimp.harmonise(indicator_code, layout_year, known_at, released_only, 'realisation', '', 0)
$$;
COMMENT ON FUNCTION krimp.harmonise(text, integer, timestamptz, boolean) IS
    'an indicator''s realisations as known at a moment (krimp.figures_as_of; with released_only only the figures released then, as every organisation may see them) recast onto the region versions valid on 1 January of a layout year: counts are summed with the area shares of the change chain, rates are recast through numerator (rate times denominator) and denominator; NULL where a contributing figure is missing';

-- (the recasting itself is krimp.harmonise(indicator_code, layout_year,
-- known_at, released_only), 50_targets.sql, on krimp.figures_as_of)
CREATE OR REPLACE FUNCTION krimp.harmonise(indicator_code text, layout_year integer,
                                           known_at timestamptz DEFAULT 'infinity')
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, value double precision)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    RETURN QUERY SELECT * FROM krimp.harmonise(indicator_code, layout_year, known_at, false);
END
$$;
COMMENT ON FUNCTION krimp.harmonise(text, integer, timestamptz) IS
    'an indicator''s current realisations (as known at a moment) recast onto the region versions valid on 1 January of a layout year: counts are summed with the area shares of the change chain, rates are recast through numerator (rate times denominator) and denominator; NULL where a contributing figure is missing';

CREATE FUNCTION krimp.harmonised_series(indicator_code text, layout_year integer DEFAULT NULL,
                                        known_at timestamptz DEFAULT 'infinity')
    RETURNS TABLE (region_id bigint, code text, name text, series krimp.series)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT h.region_id, h.code, h.name, krimp.series_agg(h.period, h.value)
      FROM krimp.harmonise(harmonised_series.indicator_code,
                           coalesce(harmonised_series.layout_year, krimp.latest_layout_year()),
                           harmonised_series.known_at) h
     GROUP BY h.region_id, h.code, h.name
     ORDER BY h.code
$$;
COMMENT ON FUNCTION krimp.harmonised_series(text, integer, timestamptz) IS
    'one krimp.series per region version of a layout (the newest loaded by default): the indicator recast with krimp.harmonise()';

-- A forecast recast the way realisations are (krimp.harmonise with its kind,
-- producer and base year), and compared with the realisation on one layout.
CREATE FUNCTION krimp.harmonised_forecast(indicator_code text, forecast_producer text, forecast_base_year integer,
                                          layout_year integer DEFAULT NULL, known_at timestamptz DEFAULT 'infinity')
    RETURNS TABLE (region_id bigint, code text, name text, series krimp.series)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT h.region_id, h.code, h.name, krimp.series_agg(h.period, h.value)
      FROM krimp.harmonise(harmonised_forecast.indicator_code,
                           coalesce(harmonised_forecast.layout_year, krimp.latest_layout_year()),
                           harmonised_forecast.known_at, false, 'forecast', harmonised_forecast.forecast_producer,
                           harmonised_forecast.forecast_base_year) h
     GROUP BY h.region_id, h.code, h.name
     ORDER BY h.code
$$;
COMMENT ON FUNCTION krimp.harmonised_forecast(text, text, integer, integer, timestamptz) IS
    'one krimp.series per region version of a layout (the newest loaded by default): the forecasts of one producer and base year recast with krimp.harmonise(), as realisations are';

CREATE FUNCTION krimp.forecast_error(indicator_code text, forecast_producer text, forecast_base_year integer,
                                     layout_year integer DEFAULT NULL, known_at timestamptz DEFAULT 'infinity')
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, horizon integer,
                   forecast double precision, realisation double precision, error double precision,
                   relative_error double precision)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH l AS (
        SELECT coalesce(forecast_error.layout_year, krimp.latest_layout_year()) AS y
    )
    SELECT f.region_id, f.code, f.name, f.period,
           (pg_catalog.date_part('year', krimp.first_day(f.period)))::integer
               OPERATOR(pg_catalog.-) forecast_error.forecast_base_year,
           f.value, r.value, f.value OPERATOR(pg_catalog.-) r.value,
           (f.value OPERATOR(pg_catalog.-) r.value) OPERATOR(pg_catalog./) nullif(r.value, 0)
      FROM l,
           LATERAL krimp.harmonise(forecast_error.indicator_code, l.y, forecast_error.known_at, false, 'forecast',
                                   forecast_error.forecast_producer, forecast_error.forecast_base_year) f
      JOIN LATERAL krimp.harmonise(forecast_error.indicator_code, l.y, forecast_error.known_at, false,
                                   'realisation', '', 0) r
        ON r.region_id OPERATOR(pg_catalog.=) f.region_id AND r.period OPERATOR(krimp.=) f.period
     ORDER BY f.code, f.period
$$;
COMMENT ON FUNCTION krimp.forecast_error(text, text, integer, integer, timestamptz) IS
    'a forecast (producer, base year) against the realisation, both recast onto one layout (the newest loaded by default): for each region version and period, the horizon (the period''s year minus the base year), forecast, realisation, error (forecast minus realisation) and relative error (error over realisation)';

CREATE VIEW krimp.observation_harmonised WITH (security_invoker = true) AS
    SELECT i.indicator_id, i.code AS indicator_code, krimp.latest_layout_year() AS layout_year,
           h.region_id, h.code AS region_code, h.name AS region_name, h.period, h.value
      FROM krimp.indicator i
     CROSS JOIN LATERAL krimp.harmonise(i.code, krimp.latest_layout_year()) h
     WHERE i.aggregation OPERATOR(pg_catalog.<>) 'none' AND krimp.latest_layout_year() IS NOT NULL;
COMMENT ON VIEW krimp.observation_harmonised IS
    'the current realisations of every aggregatable indicator recast onto the newest boundary layout loaded';
GRANT SELECT ON krimp.observation_harmonised TO krimp_reader;

-- ---- which region was at a point on a day (since 0.3) -----------------
-- The versions of the country, the province and the municipality whose
-- boundary (the yearly layer of 1 January of that day's year, or the newest
-- one before it) covers the point, and the designated groups that
-- municipality belonged to then (krimp.group_members, the one home of
-- membership).  A point on a shared border is in both regions.
CREATE FUNCTION krimp.region_at_point(location public.geometry, at date DEFAULT CURRENT_DATE)
    RETURNS TABLE (level text, code text, name text, region_id bigint, valid_from date, valid_to date)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    pt public.geometry;
BEGIN
    IF public.ST_SRID(location) OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'the location has no spatial reference system'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the point with its SRID: public.ST_SetSRID(public.ST_MakePoint(6.566, 53.219), 4326) for longitude and latitude, or SRID 28992 for RD New coordinates.';
    END IF;
    IF public.GeometryType(location) OPERATOR(pg_catalog.<>) 'POINT' THEN
        RAISE EXCEPTION 'the location must be a point'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('It is a %s.', pg_catalog.lower(public.GeometryType(location))),
                  HINT = 'Take a point inside the area, as public.ST_PointOnSurface(geom).';
    END IF;
    pt := CASE WHEN public.ST_SRID(location) OPERATOR(pg_catalog.=) 28992 THEN location
               ELSE public.ST_Transform(location, 28992) END;
    RETURN QUERY
    WITH layer AS (
        -- each level's boundary layer of 1 January of that day's year (the newest one loaded after it)
        SELECT b.layer, pg_catalog.max(b.year) AS year
          FROM krimp.region_boundary b
         WHERE b.year OPERATOR(pg_catalog.<=) pg_catalog.date_part('year', region_at_point.at)
         GROUP BY b.layer
    ), hit AS (
        SELECT r.level, r.code, r.name, r.region_id, r.valid_from, r.valid_to
          FROM layer l
          JOIN krimp.region_boundary b ON b.layer OPERATOR(pg_catalog.=) l.layer AND b.year OPERATOR(pg_catalog.=) l.year
          JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) b.region_id
         WHERE public.ST_Covers(b.geom, pt)
           AND r.valid_from OPERATOR(pg_catalog.<=) region_at_point.at
           AND (r.valid_to IS NULL OR r.valid_to OPERATOR(pg_catalog.>) region_at_point.at)
    ), grp AS (
        SELECT 'group'::text AS level, g.group_code AS code, g.name, gr.region_id, m.valid_from, m.valid_to
          FROM hit h
          JOIN krimp.region_group g ON true
         CROSS JOIN LATERAL krimp.group_members(g.group_code, region_at_point.at) m
          LEFT JOIN krimp.region gr ON gr.level OPERATOR(pg_catalog.=) 'group' AND gr.code OPERATOR(pg_catalog.=) g.group_code
         WHERE h.level OPERATOR(pg_catalog.=) 'municipality' AND m.region_id OPERATOR(pg_catalog.=) h.region_id
    )
    SELECT x.level, x.code, x.name, x.region_id, x.valid_from, x.valid_to
      FROM (SELECT * FROM hit UNION ALL SELECT * FROM grp) x
     ORDER BY pg_catalog.array_position(ARRAY['country', 'province', 'municipality', 'group'], x.level), x.code;
END
$$;
COMMENT ON FUNCTION krimp.region_at_point(public.geometry, date) IS
    'which regions held a point on a day: the country, province and municipality versions whose boundary covers it, and the designated groups the municipality belonged to then (any SRID; transformed to RD New)';
