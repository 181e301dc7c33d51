
-- ===================================================================
-- Privileges: nothing of krimp is granted to PUBLIC.  What PostgreSQL
-- grants to PUBLIC by default (EXECUTE on functions, USAGE on types) goes
-- to krimp_reader instead, of which every organisation role and
-- krimp_admin are members.  Functions revoked from PUBLIC earlier in the
-- script (writers' and administrators' functions) keep their own grants.
-- This part runs last.
-- ===================================================================
DO $privileges$
DECLARE
    f record;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure AS sig, p.prokind
          FROM pg_catalog.pg_proc p
         WHERE p.pronamespace OPERATOR(pg_catalog.=) 'krimp'::regnamespace
           AND (p.proacl IS NULL OR pg_catalog.array_to_string(p.proacl, ',') OPERATOR(pg_catalog.~) '(^|,)=X')
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON %s %s FROM PUBLIC',
                                  CASE f.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, f.sig);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON %s %s TO krimp_reader',
                                  CASE f.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, f.sig);
    END LOOP;
    FOR f IN
        SELECT t.oid::regtype AS sig
          FROM pg_catalog.pg_type t
         WHERE t.typnamespace OPERATOR(pg_catalog.=) 'krimp'::regnamespace
           AND t.typtype OPERATOR(pg_catalog.=) ANY (ARRAY['b', 'e', 'd', 'r']::"char"[])
           AND t.typcategory OPERATOR(pg_catalog.<>) 'A'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON TYPE %s FROM PUBLIC', f.sig);
        EXECUTE pg_catalog.format('GRANT USAGE ON TYPE %s TO krimp_reader', f.sig);
    END LOOP;
END
$privileges$;
