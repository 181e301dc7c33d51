
-- ===================================================================
-- The end of the upgrade 0.1 -> 0.2 (after every part and the privileges):
-- the users' views that the start of the upgrade saved and dropped
-- (0.1--0.2.sql, "user objects on what this upgrade replaces") are created
-- again from their saved definitions, over the new objects, shallowest
-- first, with their owner, options, privileges and comments.  They are the
-- users' objects, not members of krimp.
-- ===================================================================
DO $recreate_user_views$
DECLARE
    v record;
    c jsonb;
    a record;
    qualified text;
    old_path text := pg_catalog.current_setting('search_path');
    old_role text := pg_catalog.current_setting('role');
    owner_oid oid;
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    FOR v IN SELECT * FROM pg_temp.krimp_upgrade_view ORDER BY depth, view_oid LOOP
        qualified := pg_catalog.format('%I.%I', v.schema_name, v.view_name);
        BEGIN
            EXECUTE pg_catalog.format('CREATE VIEW %s%s AS %s', qualified,
                CASE WHEN v.options IS NOT NULL THEN
                    ' WITH (' || (SELECT pg_catalog.string_agg(pg_catalog.format('%I = %L',
                                              pg_catalog.split_part(o, '=', 1),
                                              pg_catalog.substr(o, pg_catalog.strpos(o, '=') OPERATOR(pg_catalog.+) 1)), ', ')
                                    FROM pg_catalog.unnest(v.options) o) || ')'
                ELSE '' END,
                pg_catalog.rtrim(v.definition, '; ' || E'\n'));
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'cannot update krimp to 0.2: view % cannot be created again over the new objects', qualified
                  USING ERRCODE = 'dependent_objects_still_exist',
                        DETAIL = pg_catalog.format('%s: %s; its definition: %s', SQLSTATE, SQLERRM, v.definition),
                        HINT = 'Save the view''s definition, drop it, update, then create it again adapted to 0.2.';
        END;
        -- created by this script, so made a member of krimp: it is not one
        EXECUTE pg_catalog.format('ALTER EXTENSION krimp DROP VIEW %s', qualified);
        EXECUTE pg_catalog.format('ALTER VIEW %s OWNER TO %I', qualified, v.owner_name);
        IF v.comment IS NOT NULL THEN
            EXECUTE pg_catalog.format('COMMENT ON VIEW %s IS %L', qualified, v.comment);
        END IF;
        FOR c IN SELECT * FROM pg_catalog.jsonb_array_elements(v.columns) LOOP
            IF c ->> 'comment' IS NOT NULL THEN
                EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', qualified, c ->> 'name', c ->> 'comment');
            END IF;
        END LOOP;
        -- privileges as they were: the owner's own first (a view starts with
        -- all of them), then each grant by its grantor
        IF v.acl IS NOT NULL THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON %s FROM %I', qualified, v.owner_name);
        END IF;
        owner_oid := (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) v.owner_name);
        FOR a IN
            SELECT g.* FROM (
            SELECT x.grantor, x.grantee, x.privilege_type, x.is_grantable, NULL::text AS column_name
              FROM pg_catalog.aclexplode(v.acl) x
            UNION ALL
            SELECT x.grantor, x.grantee, x.privilege_type, x.is_grantable, col ->> 'name'
              FROM pg_catalog.jsonb_array_elements(v.columns) col,
                   pg_catalog.aclexplode((SELECT pg_catalog.array_agg(e::aclitem)
                                            FROM pg_catalog.jsonb_array_elements_text(col -> 'acl') e)) x
             WHERE pg_catalog.jsonb_typeof(col -> 'acl') OPERATOR(pg_catalog.=) 'array') g
             ORDER BY g.grantor OPERATOR(pg_catalog.<>) owner_oid
        LOOP
            EXECUTE pg_catalog.format('SET ROLE %I', pg_catalog.pg_get_userbyid(a.grantor));
            EXECUTE pg_catalog.format('GRANT %s%s ON %s TO %s%s', a.privilege_type,
                                      CASE WHEN a.column_name IS NOT NULL THEN pg_catalog.format(' (%I)', a.column_name) ELSE '' END,
                                      qualified,
                                      CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                           ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END,
                                      CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
            IF old_role OPERATOR(pg_catalog.=) 'none' THEN
                RESET ROLE;
            ELSE
                EXECUTE pg_catalog.format('SET ROLE %I', old_role);
            END IF;
        END LOOP;
    END LOOP;
    PERFORM pg_catalog.set_config('search_path', old_path, true);
END
$recreate_user_views$;
DROP TABLE pg_temp.krimp_upgrade_view;
