
-- ===================================================================
-- Organisations are data: the install creates the three generic roles
-- (krimp_reader, krimp_writer, krimp_admin) and no organisation.  An
-- administrator adds each organisation with its own role, which must
-- exist already (roles belong to the cluster: CREATE ROLE is the cluster
-- administrator's decision, not the extension's).
-- ===================================================================

-- Add an organisation, or check one that is there already.  The role must
-- exist, be the organisation's own (not a generic krimp role, a superuser,
-- or another organisation's role) and becomes a member of krimp_writer.
-- Adding the same organisation again with the same role changes nothing;
-- another name or region is updated.  SECURITY DEFINER (owned by the
-- superuser who installed krimp) because GRANT krimp_writer needs the
-- admin option on it; only krimp administrators may call it.
CREATE FUNCTION krimp.add_organisation(code text, name text, role name, region_code text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    r pg_catalog.pg_roles%ROWTYPE;
    existing krimp.organisation%ROWTYPE;
BEGIN
    IF NOT krimp.is_admin() THEN
        RAISE EXCEPTION 'permission denied to add organisation %', code
              USING ERRCODE = 'insufficient_privilege',
                    HINT = 'A member of krimp_admin adds organisations.';
    END IF;
    IF code IS NULL OR name IS NULL OR role IS NULL THEN
        RAISE EXCEPTION 'an organisation needs a code, a name and a role'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO r FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) role;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role "%" of organisation % does not exist', role, code
              USING ERRCODE = 'undefined_object',
                    HINT = pg_catalog.format('Create the role first (CREATE ROLE %I NOLOGIN), then add the organisation.',
                                             role);
    END IF;
    IF r.rolsuper OR role OPERATOR(pg_catalog.=) ANY (ARRAY['krimp_reader', 'krimp_writer', 'krimp_admin']::name[]) THEN
        RAISE EXCEPTION 'role "%" cannot be the role of organisation %', role, code
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = 'Every member of an organisation''s role acts for the organisation; a superuser or a generic krimp role would make many users act for it.',
                    HINT = pg_catalog.format('Create a role of its own: CREATE ROLE %I NOLOGIN.',
                                             'krimp_' || pg_catalog.lower(code));
    END IF;
    SELECT * INTO existing FROM krimp.organisation o
     WHERE o.org_code OPERATOR(pg_catalog.=) code OR o.role_name OPERATOR(pg_catalog.=) role
     FOR UPDATE;
    IF FOUND AND (existing.org_code OPERATOR(pg_catalog.<>) code OR existing.role_name OPERATOR(pg_catalog.<>) role) THEN
        RAISE EXCEPTION 'organisation % has role "%" already', existing.org_code, existing.role_name
              USING ERRCODE = 'unique_violation',
                    DETAIL = 'An organisation has one role, and a role acts for one organisation.';
    END IF;
    IF NOT pg_catalog.pg_has_role(role, 'krimp_writer', 'MEMBER') THEN
        EXECUTE pg_catalog.format('GRANT krimp_writer TO %I', role);
    END IF;
    INSERT INTO krimp.organisation AS o (org_code, name, role_name, region_code)
    VALUES (code, name, role, region_code)
    ON CONFLICT (org_code) DO UPDATE SET name = EXCLUDED.name, region_code = EXCLUDED.region_code
     WHERE (o.name, o.region_code) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.region_code);
    RETURN code;
END
$$;
COMMENT ON FUNCTION krimp.add_organisation(text, text, name, text) IS
    'add an organisation with its own existing role (made a member of krimp_writer), or check one that is there; krimp administrators only';
REVOKE ALL ON FUNCTION krimp.add_organisation(text, text, name, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.add_organisation(text, text, name, text) TO krimp_admin;
