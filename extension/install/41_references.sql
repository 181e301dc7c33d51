
-- ===================================================================
-- The foreign keys of krimp.observation_row, checked once per statement.
--
-- PostgreSQL checks a foreign key with one query per inserted row.  A load
-- of millions of figures spends most of its time there (docs/design.md, "Load
-- speed"), although its rows name a few thousand regions, one indicator and
-- one batch.  So the foreign keys of krimp.observation_row stay declared (the
-- catalog, pg_dump's order of restoring the tables, and the checks on the
-- referenced side, which refuse to delete or re-key a region, indicator or
-- batch that figures refer to, are PostgreSQL's own), but their per-row
-- check of inserted rows is replaced by this trigger: at the end of every
-- statement that inserts observations it takes the distinct keys of the
-- inserted rows, locks the referenced rows FOR KEY SHARE, as the per-row
-- check does, and raises PostgreSQL's foreign-key error (23503) for the first
-- key that is missing.  Updates keep PostgreSQL's check (an observation's keys
-- never change: krimp.observation_guard refuses it).
-- ===================================================================

CREATE FUNCTION krimp.observation_references_trigger() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    indicator_ids bigint[];
    region_ids bigint[];
    batch_ids bigint[];
    org_codes text[];
    n_found integer;
    ref record;
    missing_id bigint;
    missing record;
BEGIN
    WITH k AS (SELECT DISTINCT a.indicator_id, a.region_id, a.batch_id, a.org_code FROM added a),
         bo AS (SELECT DISTINCT k.batch_id, k.org_code FROM k)
    SELECT (SELECT pg_catalog.array_agg(DISTINCT k.indicator_id::bigint) FROM k),
           (SELECT pg_catalog.array_agg(DISTINCT k.region_id) FROM k),
           (SELECT pg_catalog.array_agg(bo.batch_id ORDER BY bo.batch_id, bo.org_code) FROM bo),
           (SELECT pg_catalog.array_agg(bo.org_code ORDER BY bo.batch_id, bo.org_code) FROM bo)
      INTO indicator_ids, region_ids, batch_ids, org_codes;
    IF indicator_ids IS NULL THEN
        RETURN NULL;                        -- no rows
    END IF;

    -- lock what the rows refer to, so that it cannot be deleted before this
    -- transaction ends; a row deleted by a transaction that committed in
    -- between is not locked, and so counts as missing
    FOR ref IN
        SELECT * FROM (VALUES ('indicator', 'indicator_id', 'observation_indicator_id_fkey', indicator_ids),
                              ('region', 'region_id', 'observation_region_id_fkey', region_ids)) r(tab, col, fkey, ids)
    LOOP
        EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (SELECT 1 FROM krimp.%I t
                                    WHERE t.%I OPERATOR(pg_catalog.=) ANY ($1) FOR KEY SHARE OF t) l', ref.tab, ref.col)
           INTO n_found USING ref.ids;
        IF n_found OPERATOR(pg_catalog.<) pg_catalog.cardinality(ref.ids) THEN
            EXECUTE pg_catalog.format('SELECT pg_catalog.min(x.id) FROM pg_catalog.unnest($1) x(id)
                                        WHERE NOT EXISTS (SELECT FROM krimp.%I t WHERE t.%I OPERATOR(pg_catalog.=) x.id)',
                                      ref.tab, ref.col)
               INTO missing_id USING ref.ids;
            RAISE EXCEPTION 'insert or update on table "observation_row" violates foreign key constraint "%"', ref.fkey
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = pg_catalog.format('Key (%s)=(%s) is not present in table "%s".', ref.col, missing_id, ref.tab),
                      SCHEMA = 'krimp', TABLE = 'observation_row', CONSTRAINT = ref.fkey;
        END IF;
    END LOOP;

    SELECT pg_catalog.count(*) INTO n_found
      FROM (SELECT 1 FROM krimp.load_batch b
             WHERE (b.batch_id, b.org_code) IN (SELECT x.batch_id, x.org_code
                                                  FROM ROWS FROM (pg_catalog.unnest(batch_ids), pg_catalog.unnest(org_codes)) x(batch_id, org_code))
               FOR KEY SHARE OF b) l;
    IF n_found OPERATOR(pg_catalog.<) pg_catalog.cardinality(batch_ids) THEN
        SELECT x.batch_id, x.org_code INTO missing
          FROM ROWS FROM (pg_catalog.unnest(batch_ids), pg_catalog.unnest(org_codes)) x(batch_id, org_code)
         WHERE NOT EXISTS (SELECT FROM krimp.load_batch b
                            WHERE b.batch_id OPERATOR(pg_catalog.=) x.batch_id
                              AND b.org_code OPERATOR(pg_catalog.=) x.org_code)
         ORDER BY x.batch_id, x.org_code LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "observation_row" violates foreign key constraint "%"',
                        'observation_batch_org_fkey'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = pg_catalog.format('Key (batch_id, org_code)=(%s, %s) is not present in table "load_batch".',
                                             missing.batch_id, missing.org_code),
                  SCHEMA = 'krimp', TABLE = 'observation_row', CONSTRAINT = 'observation_batch_org_fkey';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION krimp.observation_references_trigger() IS
    'trigger: checks the foreign keys of the observations a statement inserted once per statement (distinct keys, locked FOR KEY SHARE), in place of PostgreSQL''s check per row';
REVOKE ALL ON FUNCTION krimp.observation_references_trigger() FROM PUBLIC;
CREATE TRIGGER observation_references AFTER INSERT ON krimp.observation_row
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION krimp.observation_references_trigger();

-- PostgreSQL's per-row check of inserted rows, one internal trigger per
-- foreign key, is switched off (the statement trigger above does its work).
-- This needs a superuser, as creating the extension does.
DO $$
DECLARE
    t record;
    n integer := 0;
BEGIN
    FOR t IN
        SELECT tg.tgname
          FROM pg_catalog.pg_trigger tg
          JOIN pg_catalog.pg_constraint c ON c.oid OPERATOR(pg_catalog.=) tg.tgconstraint
         WHERE tg.tgrelid OPERATOR(pg_catalog.=) 'krimp.observation_row'::pg_catalog.regclass
           AND c.contype OPERATOR(pg_catalog.=) 'f'
           AND tg.tgfoid OPERATOR(pg_catalog.=) 'pg_catalog."RI_FKey_check_ins"()'::pg_catalog.regprocedure
         ORDER BY c.conname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE krimp.observation_row DISABLE TRIGGER %I', t.tgname);
        n := n OPERATOR(pg_catalog.+) 1;
    END LOOP;
    IF n OPERATOR(pg_catalog.<>) 3 THEN
        RAISE EXCEPTION 'expected the insert checks of 3 foreign keys on krimp.observation_row, found %', n;
    END IF;
END
$$;
