-- Districts (wijken, WK) and neighbourhoods (buurten, BU) of CBS 85984NED
-- (Kerncijfers wijken en buurten 2024; data/cbs-more/csv/85984NED.csv) as
-- region versions of the 2024 layout, valid from 2024-01-01, each linked to
-- its municipality (a district) or to its district and municipality (a
-- neighbourhood).  Opt-in: scripts/load_regions.sh --districts.  Names only,
-- no geometry (the file has none).  Codes krimp.region_level does not accept
-- are counted and left out (none in the bundled file: Amsterdam's WK0363AB,
-- with letters, is a district code since 0.3).  Idempotent: a
-- second run adds nothing.  Bron: CBS, CC BY 4.0.
\if :{?abs_srcdir}
\else
\getenv abs_srcdir PG_ABS_SRCDIR
\endif
\set krimp_load_echo :ECHO
\set ECHO none
BEGIN;
\set f :abs_srcdir '/data/cbs-more/csv/85984NED.csv'
\set csv `cat :'f'`
CREATE TEMP TABLE krimp_area_csv ON COMMIT DROP AS
SELECT krimp.normalise_region_code(f[5]) AS code, btrim(f[2]) AS name, btrim(f[4]) AS kind
  FROM (SELECT string_to_array(btrim(l, E'\r'), ';') AS f
          FROM regexp_split_to_table(ltrim(:'csv', E'\uFEFF'), E'\n') WITH ORDINALITY AS t(l, n)
         WHERE t.n > 1 AND btrim(t.l) <> '') x
 WHERE btrim(f[4]) IN ('Wijk', 'Buurt');
\unset csv
SELECT kind, count(*) AS in_file,
       count(*) FILTER (WHERE krimp.region_level(code) IS NULL) AS code_not_accepted
  FROM pg_temp.krimp_area_csv GROUP BY kind ORDER BY kind;
INSERT INTO krimp.region (code, name, level, valid_from)
SELECT a.code, a.name, krimp.region_level(a.code), DATE '2024-01-01'
  FROM pg_temp.krimp_area_csv a
 WHERE krimp.region_level(a.code) IN ('district', 'neighbourhood')
   AND NOT EXISTS (SELECT FROM krimp.region r WHERE r.code = a.code AND r.valid_from = DATE '2024-01-01');
-- parents: a district's municipality; a neighbourhood's district and municipality
INSERT INTO krimp.region_parent (region_id, parent_id, valid_from)
SELECT c.region_id, p.region_id, DATE '2024-01-01'
  FROM pg_temp.krimp_area_csv a
  JOIN krimp.region c ON c.code = a.code AND c.valid_from = DATE '2024-01-01'
  CROSS JOIN LATERAL (VALUES ('GM' || substr(a.code, 3, 4)),
                             (CASE WHEN c.level = 'neighbourhood' THEN 'WK' || substr(a.code, 3, 6) END)) v(parent_code)
  JOIN krimp.region p ON p.code = v.parent_code AND p.valid_from <= DATE '2024-01-01'
                     AND (p.valid_to IS NULL OR p.valid_to > DATE '2024-01-01')
ON CONFLICT DO NOTHING;
COMMIT;
SELECT r.level, count(*) AS versions,
       count(*) FILTER (WHERE EXISTS (SELECT FROM krimp.region_parent rp JOIN krimp.region m ON m.region_id = rp.parent_id
                                       WHERE rp.region_id = r.region_id AND m.level = 'municipality')) AS with_municipality
  FROM krimp.region r WHERE r.level IN ('district', 'neighbourhood') GROUP BY r.level ORDER BY r.level;
\set ECHO :krimp_load_echo
