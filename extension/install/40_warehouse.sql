
-- ===================================================================
-- The shared warehouse: organisations and their roles, regions through
-- mergers, indicators, observations with vintages, load batches.
-- Every user table is registered with pg_extension_config_dump, so that
-- pg_dump keeps its rows.  Row-level security is forced on every table
-- that holds an organisation's data.
-- ===================================================================

-- ---- roles ---------------------------------------------------------
-- Roles belong to the cluster, not the database: create them once, keep
-- them when the extension is dropped.  Three generic roles: krimp_reader
-- reads all shared data; krimp_writer may write rows of an organisation it
-- acts for; krimp_admin manages reference data and runs the nightly job and
-- the revaluation rounds.  Organisations are data: each has a role of its
-- own (BI tools log in as a member of it, with fixed credentials and no
-- session variables), added with krimp.add_organisation().
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['krimp_reader', 'krimp_admin', 'krimp_writer']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$roles$;
-- every organisation reads the shared data and may write its own rows;
-- the admin reads and writes everything
GRANT krimp_reader TO krimp_writer, krimp_admin;

GRANT USAGE ON SCHEMA krimp TO krimp_reader;

-- ---- organisations -------------------------------------------------
CREATE TABLE krimp.organisation (
    org_code    text PRIMARY KEY CHECK (org_code OPERATOR(pg_catalog.~) '^[A-Z][A-Z0-9_]{1,15}$'),
    name        text NOT NULL,
    role_name   name NOT NULL UNIQUE,
    region_code text,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE krimp.organisation IS
    'organisations that share the warehouse; each writes only its own rows, as members of its database role; added with krimp.add_organisation()';
COMMENT ON COLUMN krimp.organisation.role_name IS
    'the database role of the organisation; its members (BI logins, loaders) act for it';
SELECT pg_catalog.pg_extension_config_dump('krimp.organisation', '');

-- An organisation's role must exist when the organisation is added or its
-- role changed (a role cannot be created in the same statement, and a
-- missing role acts for nobody).  A role dropped later is skipped by
-- krimp.current_organisations(): roles belong to the cluster and DROP ROLE
-- cannot be refused from here.
CREATE FUNCTION krimp.organisation_role_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) NEW.role_name) THEN
        RAISE EXCEPTION 'role "%" of organisation % does not exist', NEW.role_name, NEW.org_code
              USING ERRCODE = 'undefined_object',
                    HINT = pg_catalog.format('Create the role first (CREATE ROLE %I NOLOGIN; GRANT krimp_writer TO %I), '
                                             'then add the organisation.', NEW.role_name, NEW.role_name);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.organisation_role_trigger() IS
    'trigger: refuses an organisation whose role does not exist';
CREATE TRIGGER organisation_role BEFORE INSERT OR UPDATE OF role_name ON krimp.organisation
    FOR EACH ROW EXECUTE FUNCTION krimp.organisation_role_trigger();

-- The organisations the current user acts for: those whose role's
-- privileges it has now (pg_has_role USAGE: the role itself, or a role it
-- inherits from; a role granted through a NOINHERIT role counts only after
-- SET ROLE), as row-level security and GRANTs do.  A role that was dropped
-- after its organisation was added is skipped (the join on pg_roles), so
-- that it does not break every read.  STABLE: policies call it once per
-- query through a sub-select.
CREATE FUNCTION krimp.current_organisations() RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce(array_agg(o.org_code ORDER BY o.org_code), '{}')
      FROM krimp.organisation o
      JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) o.role_name
     WHERE pg_catalog.pg_has_role(CURRENT_USER, r.oid, 'USAGE')
$$;
COMMENT ON FUNCTION krimp.current_organisations() IS
    'codes of the organisations whose role''s privileges the current user has (pg_has_role USAGE: membership through a NOINHERIT role counts only after SET ROLE); organisations whose role no longer exists are skipped';

-- Is the current user a krimp administrator (or a superuser)?  The same rule:
-- the privileges of krimp_admin in effect, not mere membership.
CREATE FUNCTION krimp.is_admin() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                    WHERE r.rolname OPERATOR(pg_catalog.=) 'krimp_admin'
                      AND pg_catalog.pg_has_role(CURRENT_USER, r.oid, 'USAGE'))
        OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) CURRENT_USER)
$$;
COMMENT ON FUNCTION krimp.is_admin() IS
    'whether the current user has the privileges of krimp_admin (pg_has_role USAGE, not mere membership) or is a superuser';

-- ---- regions -------------------------------------------------------

-- Normalise a CBS region code: trim the padding CBS OData adds, upper case.
CREATE FUNCTION krimp.normalise_region_code(code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.upper(pg_catalog.btrim(code));
COMMENT ON FUNCTION krimp.normalise_region_code(text) IS
    'a CBS region code without the padding of CBS OData feeds, in upper case (''PV20  '' gives ''PV20'')';

-- The level of a CBS region code, NULL for anything that is not one.
CREATE FUNCTION krimp.region_level(code text) RETURNS text
    AS 'MODULE_PATHNAME', 'krimp_region_level' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.region_level(text) IS
    'level of a normalised CBS region code: country (NL01), landsdeel (LD), province (PV), corop (CR), municipality (GM), district (WK), neighbourhood (BU; a district''s or neighbourhood''s own part may hold upper-case letters, as Amsterdam''s WK0363AB); NULL if it is none';

-- The code of a designated group's own row in krimp.region (since 0.3).
CREATE FUNCTION krimp.is_group_code(code text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_is_group_code' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.is_group_code(text) IS
    'whether a text is the code of a designated group of regions: an upper-case letter, upper-case letters or digits, a hyphen, then upper-case letters, digits and hyphens, at most 32 characters, not ending in a hyphen (KR-ZVLAANDEREN); no CBS code is one';

-- The number rule of the loads (krimp.apply_batch, krimpctl load): an
-- optional sign, digits with an optional decimal point, an optional exponent
-- of 1 to 3 digits, within the range of double precision.
CREATE FUNCTION krimp.number_problem(value_text text) RETURNS text
    AS 'MODULE_PATHNAME', 'krimp_number_problem' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.number_problem(text) IS
    'NULL if the text is a number as krimp.apply_batch files one, else the reason it is not (invalid value "...", value "..." is out of the range of double precision)';
CREATE FUNCTION krimp.parse_number(value_text text) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_parse_number_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.parse_number(text) IS
    'the number a text holds, read as krimp.apply_batch files one; 22P02 for an invalid number, 22003 for one out of range';

CREATE SEQUENCE krimp.region_id_seq;
CREATE TABLE krimp.region (
    region_id   bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.region_id_seq'),
    code        text NOT NULL,
    name        text NOT NULL,
    level       text NOT NULL,
    valid_from  date NOT NULL,
    valid_to    date,
    geom        public.geometry(MultiPolygon, 28992),
    -- a CBS code of its level, or a designated group's own row (level 'group', the group's code, which
    -- is no CBS code): the territory that a group's figures of its own describe
    CONSTRAINT region_check CHECK ((krimp.region_level(code) IS NOT NULL AND level OPERATOR(pg_catalog.=) krimp.region_level(code))
                                   OR (level OPERATOR(pg_catalog.=) 'group' AND krimp.is_group_code(code))),
    CHECK (valid_to IS NULL OR valid_to OPERATOR(pg_catalog.>) valid_from),
    -- a code names at most one territory at a time
    EXCLUDE USING gist (code WITH OPERATOR(pg_catalog.=),
                        pg_catalog.daterange(valid_from, valid_to) WITH OPERATOR(pg_catalog.&&))
);
ALTER SEQUENCE krimp.region_id_seq OWNED BY krimp.region.region_id;
CREATE INDEX region_geom_idx ON krimp.region USING gist (geom);
CREATE INDEX region_code_idx ON krimp.region (code, valid_from);
COMMENT ON TABLE krimp.region IS
    'region versions: a CBS code with the territory it named from valid_from up to (not including) valid_to; a code alone does not identify a territory, since a municipality keeps its code when a merger takes its name.  A row of level group (a group code, krimp.is_group_code) is a designated group''s own: its figures of its own are filed on it (krimp.load_region_group makes it)';
COMMENT ON COLUMN krimp.region.geom IS 'boundary in the Dutch national reference system (EPSG:28992, RD New)';
COMMENT ON COLUMN krimp.region.valid_to IS 'first day the version no longer holds; NULL while it holds';
SELECT pg_catalog.pg_extension_config_dump('krimp.region', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.region_id_seq', '');

-- Normalise the code and fill in the level on every write.
CREATE FUNCTION krimp.region_normalise_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    NEW.code := krimp.normalise_region_code(NEW.code);
    -- a designated group's own row (krimp.group_region) keeps its group code
    IF NEW.level = 'group' AND krimp.is_group_code(NEW.code) THEN
        RETURN NEW;
    END IF;
    NEW.level := coalesce(krimp.region_level(NEW.code), NEW.level);
    IF krimp.region_level(NEW.code) IS NULL THEN
        RAISE EXCEPTION 'invalid CBS region code "%"', NEW.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Region codes are NL01, LD01-LD04, PV##, CR##, GM####, WK###### or BU######## (a district''s or neighbourhood''s own part may hold letters); a designated group''s own row has level group and a group code (krimp.group_region).';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.region_normalise_trigger() IS 'trigger: normalise a region''s code and set its level (a group''s own row keeps level group and its group code)';
CREATE TRIGGER region_normalise BEFORE INSERT OR UPDATE OF code, level ON krimp.region
    FOR EACH ROW EXECUTE FUNCTION krimp.region_normalise_trigger();

-- The version of a code that holds for the whole of a period, or NULL.
CREATE FUNCTION krimp.region_at(code text, p krimp.period) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT r.region_id FROM krimp.region r
     WHERE r.code OPERATOR(pg_catalog.=) krimp.normalise_region_code($1)
       AND pg_catalog.daterange(r.valid_from, r.valid_to) OPERATOR(pg_catalog.@>) krimp.daterange($2)
$$;
COMMENT ON FUNCTION krimp.region_at(text, krimp.period) IS
    'the region version of a CBS code that holds for the whole period, or NULL';

-- hierarchy with validity: municipality in COROP area, province, country
CREATE TABLE krimp.region_parent (
    region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    parent_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    valid_from  date NOT NULL,
    valid_to    date,
    PRIMARY KEY (region_id, parent_id, valid_from),
    CHECK (valid_to IS NULL OR valid_to OPERATOR(pg_catalog.>) valid_from)
);
CREATE INDEX region_parent_parent_idx ON krimp.region_parent (parent_id);
COMMENT ON TABLE krimp.region_parent IS
    'hierarchy with validity: a region version lies in a parent version (municipality in COROP area, province, country)';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_parent', '');

-- designated groups: the decline regions
CREATE TABLE krimp.region_group (
    group_code      text PRIMARY KEY,
    name            text NOT NULL,
    designation     text NOT NULL CHECK (designation OPERATOR(pg_catalog.=) ANY (ARRAY['topkrimpregio', 'anticipeerregio', 'other'])),
    province_code   text,
    designated_on   date,
    withdrawn_on    date,
    note            text
);
COMMENT ON TABLE krimp.region_group IS
    'designated groups of regions: the decline regions (topkrimpregio) and anticipation regions (anticipeerregio)';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_group', '');

CREATE TABLE krimp.region_group_member (
    group_code  text NOT NULL REFERENCES krimp.region_group ON DELETE CASCADE,
    region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    valid_from  date NOT NULL,
    valid_to    date,
    PRIMARY KEY (group_code, region_id, valid_from)
);
COMMENT ON TABLE krimp.region_group_member IS 'members of a designated group, with validity';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_group_member', '');

-- mergers, splits and boundary corrections
CREATE TABLE krimp.region_change (
    old_region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    new_region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    effective       date NOT NULL,
    share           double precision NOT NULL CHECK (share OPERATOR(pg_catalog.>) 0 AND share OPERATOR(pg_catalog.<=) 1),
    kind            text NOT NULL CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['merger', 'split', 'boundary', 'continuation'])),
    PRIMARY KEY (old_region_id, new_region_id),
    CHECK (old_region_id OPERATOR(pg_catalog.<>) new_region_id)
);
CREATE INDEX region_change_new_idx ON krimp.region_change (new_region_id);
COMMENT ON TABLE krimp.region_change IS
    'region changes: the share of an old region version that went to a new one on the effective date; the shares of every old version sum to 1';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_change', '');

-- ---- indicators ----------------------------------------------------
-- The themes of the report an indicator belongs to: written once, here
-- (the indicator table checks its theme by this list).
CREATE FUNCTION krimp.indicator_themes() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['demography', 'households', 'housing', 'income and economy', 'facilities', 'labour market',
                 'care', 'education', 'liveability'];
COMMENT ON FUNCTION krimp.indicator_themes() IS
    'the themes of an indicator: demography, households, housing, income and economy, facilities, labour market, care, education, liveability';
CREATE SEQUENCE krimp.indicator_id_seq;
-- The benchmarks an indicator is compared with (krimp.benchmark_values,
-- 50_targets.sql): written once, here (the indicator table checks its
-- default by this list).
CREATE FUNCTION krimp.benchmark_kinds() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['national', 'province', 'rest of country', 'outside decline regions'];
COMMENT ON FUNCTION krimp.benchmark_kinds() IS
    'the benchmarks of an indicator: national (NL01), province (the region''s province), rest of country (the Netherlands without the region), outside decline regions (the municipalities outside every decline region)';

CREATE TABLE krimp.indicator (
    indicator_id      integer PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.indicator_id_seq'),
    code              text NOT NULL UNIQUE,
    name              text NOT NULL,
    unit              text NOT NULL,
    decimals          integer NOT NULL DEFAULT 0 CHECK (decimals OPERATOR(pg_catalog.>=) 0 AND decimals OPERATOR(pg_catalog.<=) 10),
    granularity       text NOT NULL CHECK (granularity OPERATOR(pg_catalog.=) ANY (ARRAY['month', 'quarter', 'half-year', 'year', 'span'])),
    theme             text NOT NULL CONSTRAINT indicator_theme_check CHECK (theme OPERATOR(pg_catalog.=) ANY (krimp.indicator_themes())),
    source            text,
    aggregation       text NOT NULL CHECK (aggregation OPERATOR(pg_catalog.=) ANY (ARRAY['sum', 'weighted mean', 'none'])),
    denominator_id    integer REFERENCES krimp.indicator DEFERRABLE INITIALLY DEFERRED,
    direction_of_good smallint NOT NULL DEFAULT 0 CHECK (direction_of_good OPERATOR(pg_catalog.=) ANY (ARRAY[-1, 0, 1]::smallint[])),
    description       text,
    benchmark         text NOT NULL DEFAULT 'national' CONSTRAINT indicator_benchmark_check CHECK (benchmark OPERATOR(pg_catalog.=) ANY (krimp.benchmark_kinds())),
    publication_lag   interval NOT NULL DEFAULT '1 year 3 months' CONSTRAINT indicator_publication_lag_check CHECK (publication_lag OPERATOR(pg_catalog.>=) '0'::interval),
    CHECK ((aggregation OPERATOR(pg_catalog.=) 'weighted mean') OPERATOR(pg_catalog.=) (denominator_id IS NOT NULL))
);
ALTER SEQUENCE krimp.indicator_id_seq OWNED BY krimp.indicator.indicator_id;
COMMENT ON TABLE krimp.indicator IS
    'indicator definitions: unit, decimals, granularity, theme, source, how regions aggregate (sum, mean weighted by a denominator indicator, none) and the direction of good (1 higher is better, -1 lower is better, 0 neutral)';
COMMENT ON COLUMN krimp.indicator.benchmark IS
    'the benchmark the indicator is compared with by default (krimp.benchmark_kinds()): in convergence detection and in a round''s comparison';
COMMENT ON COLUMN krimp.indicator.publication_lag IS
    'how long after a period begins its figure is usually published (default 1 year 3 months); a round whose newest figure is older than this allows marks the light stale (krimp.figure_staleness)';
SELECT pg_catalog.pg_extension_config_dump('krimp.indicator', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.indicator_id_seq', '');

-- ---- load batches --------------------------------------------------
CREATE SEQUENCE krimp.load_batch_id_seq;
CREATE TABLE krimp.load_batch (
    batch_id        bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.load_batch_id_seq'),
    org_code        text NOT NULL REFERENCES krimp.organisation,
    loaded_by       name NOT NULL DEFAULT CURRENT_USER,
    source          text NOT NULL,
    file_name       text,
    started_at      timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    finished_at     timestamptz,
    state           text NOT NULL DEFAULT 'open' CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['open', 'done'])),
    rows_read       integer,
    rows_inserted   integer,
    rows_revised    integer,
    rows_unchanged  integer,
    rows_rejected   integer,
    -- why a figure of this batch may go back in status (definitief to
    -- voorlopig, say): without one, apply_batch sets such rows aside
    revision_reason text CHECK (pg_catalog.btrim(revision_reason) OPERATOR(pg_catalog.<>) ''),
    -- rows without a figure for a period in which their region had no
    -- version (CBS's nulls for a municipality merged away): left out, not
    -- rejected (krimp.apply_batch_skip_rows); not in rows_read
    rows_skipped    integer,
    -- the target of krimp.observation's key (batch, organisation)
    CONSTRAINT load_batch_batch_org_key UNIQUE (batch_id, org_code)
);
ALTER SEQUENCE krimp.load_batch_id_seq OWNED BY krimp.load_batch.batch_id;
COMMENT ON TABLE krimp.load_batch IS
    'every load is a batch: who, when, from what source, and its row counts; its id is on every observation it wrote';
COMMENT ON COLUMN krimp.load_batch.rows_skipped IS
    'rows without a figure (status unknown, no value) for a period in which their region had no version: figures that cannot exist (CBS''s nulls for a municipality merged away), left out and not rejected; not counted in rows_read';
COMMENT ON COLUMN krimp.load_batch.revision_reason IS
    'why figures of this batch may go back in status (a definitief figure replaced by a voorlopig one, say); NULL: they may not';
SELECT pg_catalog.pg_extension_config_dump('krimp.load_batch', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.load_batch_id_seq', '');

-- ---- observations --------------------------------------------------
-- krimp.observation, what everyone reads, is a view (41_blocks.sql) over two
-- storages: krimp.observation_row, a row per figure (figures filed one by
-- one, and every revision), and krimp.observation_block, a row per run of a
-- series (what a load files when the series has no figures yet).  The
-- constraints keep the names they had when the row table was
-- krimp.observation (0.1).
-- The statuses of a figure and the kinds of observation: each list written
-- once, here.  The statuses are in rank order, lowest first (a figure's
-- status does not go back without a revision reason: krimp.status_rank);
-- CBS's "." (unknown or secret) ranks lowest.  Columns of these domains
-- check their values by the lists.
CREATE FUNCTION krimp.observation_statuses() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['unknown', 'estimate', 'voorlopig', 'nader voorlopig', 'definitief'];
COMMENT ON FUNCTION krimp.observation_statuses() IS
    'the statuses of a figure, lowest rank first: unknown (CBS "."), estimate, voorlopig, nader voorlopig, definitief';
CREATE FUNCTION krimp.observation_kinds() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['realisation', 'forecast'];
COMMENT ON FUNCTION krimp.observation_kinds() IS 'the kinds of observation: realisation, forecast';
CREATE DOMAIN krimp.observation_status AS text
    CONSTRAINT observation_status_check CHECK (VALUE OPERATOR(pg_catalog.=) ANY (krimp.observation_statuses()));
COMMENT ON DOMAIN krimp.observation_status IS
    'a figure''s status: one of krimp.observation_statuses() (definitief, nader voorlopig, voorlopig, estimate, unknown)';
CREATE DOMAIN krimp.observation_kind AS text
    CONSTRAINT observation_kind_check CHECK (VALUE OPERATOR(pg_catalog.=) ANY (krimp.observation_kinds()));
COMMENT ON DOMAIN krimp.observation_kind IS 'a kind of observation: one of krimp.observation_kinds() (realisation, forecast)';

CREATE SEQUENCE krimp.observation_id_seq MAXVALUE 4503599627370495;
CREATE TABLE krimp.observation_row (
    observation_id      bigint DEFAULT pg_catalog.nextval('krimp.observation_id_seq'),
    indicator_id        integer NOT NULL,
    region_id           bigint NOT NULL,
    period              krimp.period NOT NULL,
    value               double precision,
    status              krimp.observation_status NOT NULL,
    kind                krimp.observation_kind NOT NULL DEFAULT 'realisation',
    forecast_producer   text NOT NULL DEFAULT '',
    forecast_base_year  integer NOT NULL DEFAULT 0,
    source              text NOT NULL,
    org_code            text NOT NULL,
    batch_id            bigint NOT NULL,
    published_at        timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    released_at         timestamptz,
    retracted_at        timestamptz,
    retraction_reason   text,
    CONSTRAINT observation_pkey PRIMARY KEY (observation_id),
    CONSTRAINT observation_indicator_id_fkey FOREIGN KEY (indicator_id) REFERENCES krimp.indicator,
    CONSTRAINT observation_region_id_fkey FOREIGN KEY (region_id) REFERENCES krimp.region,
    -- CBS's "." (unknown or secret) is a row with status unknown and no value, not a missing row
    CONSTRAINT observation_check CHECK ((status OPERATOR(pg_catalog.=) 'unknown') OPERATOR(pg_catalog.=) (value IS NULL)),
    CONSTRAINT observation_value_check
        CHECK (value IS NULL OR (value OPERATOR(pg_catalog.<>) 'NaN'::double precision
                                 AND value OPERATOR(pg_catalog.<>) 'Infinity'::double precision
                                 AND value OPERATOR(pg_catalog.<>) '-Infinity'::double precision)),
    CONSTRAINT observation_check1 CHECK ((kind OPERATOR(pg_catalog.=) 'forecast') OPERATOR(pg_catalog.=)
           (forecast_producer OPERATOR(pg_catalog.<>) '' AND forecast_base_year OPERATOR(pg_catalog.<>) 0)),
    CONSTRAINT observation_check2 CHECK ((retracted_at IS NULL) OPERATOR(pg_catalog.=) (retraction_reason IS NULL)),
    -- a row's id stays below 2^52, where the ids of the figures of blocks begin
    CONSTRAINT observation_id_range CHECK (observation_id OPERATOR(pg_catalog.>) 0
                                           AND observation_id OPERATOR(pg_catalog.<) 4503599627370496),
    -- a figure belongs to the organisation of the batch that loaded it; one
    -- key for both (the batch's organisation is a key of krimp.organisation),
    -- since every foreign key is a lookup per inserted row
    CONSTRAINT observation_batch_org_fkey FOREIGN KEY (batch_id, org_code)
        REFERENCES krimp.load_batch (batch_id, org_code)
);
ALTER SEQUENCE krimp.observation_id_seq OWNED BY krimp.observation_row.observation_id;
COMMENT ON TABLE krimp.observation_row IS
    'observations filed one row per figure (read them through the view krimp.observation): a figure of an indicator for a region version and period, as published at published_at (its vintage); a revision is a new row, nothing is overwritten; a retracted figure is kept with its reason';
-- a figure's key plus its vintage: one row per figure per publication time
CREATE UNIQUE INDEX observation_vintage_key ON krimp.observation_row
    (indicator_id, region_id, period, org_code, kind, forecast_producer, forecast_base_year, published_at);
CREATE INDEX observation_batch_idx ON krimp.observation_row (batch_id);
-- (its comment: 41_blocks.sql, which an upgrade from 0.1 runs too)
COMMENT ON COLUMN krimp.observation_row.status IS
    'definitief, nader voorlopig, voorlopig, estimate, or unknown (CBS ".": unknown or secret, with no value)';
COMMENT ON COLUMN krimp.observation_row.kind IS 'realisation, or forecast (with producer and base year)';
COMMENT ON COLUMN krimp.observation_row.published_at IS 'vintage: when this figure became known';
COMMENT ON COLUMN krimp.observation_row.released_at IS 'embargo: until then only the owning organisation sees the row';
SELECT pg_catalog.pg_extension_config_dump('krimp.observation_row', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.observation_id_seq', '');

-- (its trigger that keeps it append-only: 41_blocks.sql, which an upgrade
-- from 0.1 runs too)

-- Rows a load set aside, with the reason.
CREATE TABLE krimp.rejected_row (
    batch_id    bigint NOT NULL REFERENCES krimp.load_batch,
    line_number bigint NOT NULL,
    org_code    text NOT NULL REFERENCES krimp.organisation,
    row_data    jsonb NOT NULL,
    reason      text NOT NULL,
    PRIMARY KEY (batch_id, line_number)
);
COMMENT ON TABLE krimp.rejected_row IS 'rows a load set aside, with the reason; never silently dropped';
SELECT pg_catalog.pg_extension_config_dump('krimp.rejected_row', '');

-- Staging: a loader (SQL) inserts raw rows here, then krimp.apply_batch()
-- validates and files them in one statement.  Without foreign keys:
-- krimp.apply_batch checks the batch and every field.  Logged: rows staged
-- and committed survive a crash until they are applied (an unlogged table is
-- emptied by crash recovery, and the batch would then be applied as done
-- with 0 rows read).  krimpctl load stages in a temporary table instead.
CREATE TABLE krimp.observation_staging (
    batch_id            bigint NOT NULL,
    line_number         bigint NOT NULL,
    org_code            text NOT NULL,
    indicator_code      text,
    region_code         text,
    period              text,
    value               text,
    status              text,
    kind                text,
    forecast_producer   text,
    forecast_base_year  integer,
    released_at         timestamptz,
    PRIMARY KEY (batch_id, line_number)
);
-- (not kept by pg_dump: staged rows belong to an open load, which a dump does not carry over)
COMMENT ON TABLE krimp.observation_staging IS
    'raw rows of an open load batch, as read from the file; krimp.apply_batch() files them and empties the batch''s rows';

-- ---- row-level security ---------------------------------------------
-- Organisation data: every krimp role reads the shared (released) rows; an
-- organisation writes only its own; an embargoed row is visible to its owner
-- only until its release time.
ALTER TABLE krimp.observation_row ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.observation_row FORCE ROW LEVEL SECURITY;
CREATE POLICY observation_read ON krimp.observation_row FOR SELECT TO krimp_reader
    USING (released_at IS NULL OR released_at OPERATOR(pg_catalog.<=) pg_catalog.now()
           OR org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
           OR (SELECT krimp.is_admin()));
CREATE POLICY observation_insert ON krimp.observation_row FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_retract ON krimp.observation_row FOR UPDATE TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_admin ON krimp.observation_row FOR ALL TO krimp_admin
    USING (true) WITH CHECK (true);

ALTER TABLE krimp.load_batch ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.load_batch FORCE ROW LEVEL SECURITY;
CREATE POLICY load_batch_read ON krimp.load_batch FOR SELECT TO krimp_reader USING (true);
CREATE POLICY load_batch_write ON krimp.load_batch FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY load_batch_update ON krimp.load_batch FOR UPDATE TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY load_batch_admin ON krimp.load_batch FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.rejected_row ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.rejected_row FORCE ROW LEVEL SECURITY;
-- (a row is written only into an open batch of the row's own organisation:
-- nobody plants rows at the keys of another organisation's batch)
CREATE POLICY rejected_row_own ON krimp.rejected_row FOR ALL TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
                AND EXISTS (SELECT FROM krimp.load_batch lb
                             WHERE lb.batch_id OPERATOR(pg_catalog.=) rejected_row.batch_id
                               AND lb.org_code OPERATOR(pg_catalog.=) rejected_row.org_code
                               AND lb.state OPERATOR(pg_catalog.=) 'open'));
CREATE POLICY rejected_row_admin ON krimp.rejected_row FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.observation_staging ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.observation_staging FORCE ROW LEVEL SECURITY;
CREATE POLICY staging_own ON krimp.observation_staging FOR ALL TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
                AND EXISTS (SELECT FROM krimp.load_batch lb
                             WHERE lb.batch_id OPERATOR(pg_catalog.=) observation_staging.batch_id
                               AND lb.org_code OPERATOR(pg_catalog.=) observation_staging.org_code
                               AND lb.state OPERATOR(pg_catalog.=) 'open'));
CREATE POLICY staging_admin ON krimp.observation_staging FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

-- Reference data (organisations, regions, indicators) is shared: every krimp
-- role reads it, only krimp_admin writes it.
GRANT SELECT ON krimp.organisation, krimp.region, krimp.region_parent, krimp.region_group,
    krimp.region_group_member, krimp.region_change, krimp.indicator,
    krimp.observation_row, krimp.load_batch TO krimp_reader;
GRANT INSERT, UPDATE, DELETE ON krimp.organisation, krimp.region, krimp.region_parent, krimp.region_group,
    krimp.region_group_member, krimp.region_change, krimp.indicator TO krimp_admin;
GRANT USAGE ON SEQUENCE krimp.region_id_seq, krimp.indicator_id_seq TO krimp_admin;
-- Keys, audit fields and retractions are krimp's: a writer names none of
-- them in an INSERT (the defaults fill them in; a superuser restoring a dump
-- keeps them)
GRANT INSERT (indicator_id, region_id, period, value, status, kind, forecast_producer, forecast_base_year,
              source, org_code, batch_id, published_at, released_at)
    ON krimp.observation_row TO krimp_writer, krimp_admin;
GRANT INSERT (org_code, source, file_name, revision_reason) ON krimp.load_batch TO krimp_writer, krimp_admin;
GRANT UPDATE (retracted_at, retraction_reason) ON krimp.observation_row TO krimp_writer, krimp_admin;
GRANT UPDATE (finished_at, state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected, rows_skipped)
    ON krimp.load_batch TO krimp_writer, krimp_admin;
GRANT SELECT, INSERT, DELETE ON krimp.rejected_row, krimp.observation_staging TO krimp_writer, krimp_admin;
GRANT USAGE ON SEQUENCE krimp.observation_id_seq, krimp.load_batch_id_seq TO krimp_writer, krimp_admin;

-- (reading observations, and retracting one: 41_blocks.sql)
