-- Load the bundled regions: the municipal and provincial boundaries 2002-2023
-- (region versions, the country NL01 and the region changes), the spatial
-- hierarchy, the CBS 2015 area layers (COROP areas, landsdelen) and the decline
-- regions of data/krimp_regions_2014.csv.  Used by scripts/load_regions.sh
-- (make demo) and by the pg_regress suite sql/regions.sql.
--
-- Reads the repository root from PG_ABS_SRCDIR (or a psql variable abs_srcdir
-- set before \i).  Runs as a member of krimp_admin (or a superuser), in one
-- transaction, and does nothing when boundaries are already loaded.
\if :{?abs_srcdir}
\else
\getenv abs_srcdir PG_ABS_SRCDIR
\endif
\set krimp_load_echo :ECHO
\set krimp_load_stop :ON_ERROR_STOP
\set ECHO none
\set ON_ERROR_STOP on
SELECT NOT EXISTS (SELECT 1 FROM krimp.region_boundary) AS krimp_load_needed \gset
\if :krimp_load_needed
BEGIN;
CREATE TEMP TABLE krimp_region_load (level text, year integer, features integer, versions_started integer,
                                     versions_ended integer, changes integer) ON COMMIT DROP;
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2002.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2002, * FROM krimp.load_boundaries('province', 2002, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2002.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2002, * FROM krimp.load_boundaries('municipality', 2002, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2003.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2003, * FROM krimp.load_boundaries('province', 2003, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2003.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2003, * FROM krimp.load_boundaries('municipality', 2003, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2004.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2004, * FROM krimp.load_boundaries('province', 2004, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2004.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2004, * FROM krimp.load_boundaries('municipality', 2004, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2005.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2005, * FROM krimp.load_boundaries('province', 2005, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2005.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2005, * FROM krimp.load_boundaries('municipality', 2005, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2006.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2006, * FROM krimp.load_boundaries('province', 2006, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2006.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2006, * FROM krimp.load_boundaries('municipality', 2006, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2007.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2007, * FROM krimp.load_boundaries('province', 2007, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2007.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2007, * FROM krimp.load_boundaries('municipality', 2007, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2008.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2008, * FROM krimp.load_boundaries('province', 2008, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2008.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2008, * FROM krimp.load_boundaries('municipality', 2008, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2009.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2009, * FROM krimp.load_boundaries('province', 2009, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2009.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2009, * FROM krimp.load_boundaries('municipality', 2009, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2010.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2010, * FROM krimp.load_boundaries('province', 2010, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2010.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2010, * FROM krimp.load_boundaries('municipality', 2010, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2011.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2011, * FROM krimp.load_boundaries('province', 2011, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2011.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2011, * FROM krimp.load_boundaries('municipality', 2011, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2012.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2012, * FROM krimp.load_boundaries('province', 2012, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2012.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2012, * FROM krimp.load_boundaries('municipality', 2012, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2013.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2013, * FROM krimp.load_boundaries('province', 2013, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2013.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2013, * FROM krimp.load_boundaries('municipality', 2013, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2014.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2014, * FROM krimp.load_boundaries('province', 2014, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2014.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2014, * FROM krimp.load_boundaries('municipality', 2014, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2015.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2015, * FROM krimp.load_boundaries('province', 2015, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2015.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2015, * FROM krimp.load_boundaries('municipality', 2015, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2016.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2016, * FROM krimp.load_boundaries('province', 2016, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2016.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2016, * FROM krimp.load_boundaries('municipality', 2016, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2017.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2017, * FROM krimp.load_boundaries('province', 2017, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2017.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2017, * FROM krimp.load_boundaries('municipality', 2017, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2018.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2018, * FROM krimp.load_boundaries('province', 2018, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2018.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2018, * FROM krimp.load_boundaries('municipality', 2018, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2019.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2019, * FROM krimp.load_boundaries('province', 2019, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2019.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2019, * FROM krimp.load_boundaries('municipality', 2019, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2020.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2020, * FROM krimp.load_boundaries('province', 2020, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2020.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2020, * FROM krimp.load_boundaries('municipality', 2020, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2021.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2021, * FROM krimp.load_boundaries('province', 2021, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2021.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2021, * FROM krimp.load_boundaries('municipality', 2021, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2022.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2022, * FROM krimp.load_boundaries('province', 2022, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2022.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2022, * FROM krimp.load_boundaries('municipality', 2022, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/provincie/provincie_2023.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'province', 2023, * FROM krimp.load_boundaries('province', 2023, :'doc'::jsonb);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2023.geojson'
\set doc `cat :'f'`
INSERT INTO krimp_region_load SELECT 'municipality', 2023, * FROM krimp.load_boundaries('municipality', 2023, :'doc'::jsonb);
\unset doc
SELECT krimp.derive_region_hierarchy() AS links \gset

-- CBS area layers 2015 (TopoJSON, properties only): landsdelen, COROP areas,
-- provinces, then municipalities
\set f :abs_srcdir '/data/boundaries/2015/Landsdeel_2015_layer_q1e3.json'
\set doc `cat :'f'`
SELECT krimp.load_region_layout(2015, :'doc'::jsonb) AS added \gset
\set f :abs_srcdir '/data/boundaries/2015/CoropGebied_2015_layer_q1e3.json'
\set doc `cat :'f'`
SELECT krimp.load_region_layout(2015, :'doc'::jsonb) AS added \gset
\set f :abs_srcdir '/data/boundaries/2015/Provincie_2015_layer_q1e3.json'
\set doc `cat :'f'`
SELECT krimp.load_region_layout(2015, :'doc'::jsonb) AS added \gset
\set f :abs_srcdir '/data/boundaries/2015/Gemeente_2015_layer_q1e3.json'
\set doc `cat :'f'`
SELECT krimp.load_region_layout(2015, :'doc'::jsonb) AS added \gset
\unset doc

-- The decline regions, members in the 2014 layout.  Designation dates: the
-- seed report (evaluatie-convenanten-krimp) says the interbestuurlijk actieplan
-- bevolkingsdaling designated the topkrimp- and anticipeerregio's "in 2009"
-- and gives no day, so 1 January 2009 stands for that year.  Walcheren is not
-- designated in the report (written December 2014 - March 2015): it proposes
-- it ("het aanwijzen van Walcheren als nieuwe anticipeerregio"); 1 January 2015
-- stands for "after the evaluation" and must be checked against the
-- designation itself.  See docs/regions.md.
\set f :abs_srcdir '/data/krimp_regions_2014.csv'
\set csv `cat :'f'`
CREATE TEMP TABLE krimp_group_csv ON COMMIT DROP AS
SELECT t.n AS line, string_to_array(t.l, ',') AS f
  FROM regexp_split_to_table(:'csv', E'\r?\n') WITH ORDINALITY AS t(l, n)
 WHERE t.n > 1 AND btrim(t.l) <> '';
\unset csv
DO $check$
DECLARE
    bad record;
BEGIN
    SELECT * INTO bad FROM pg_temp.krimp_group_csv WHERE cardinality(f) <> 7 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'line % of krimp_regions_2014.csv has % fields, not 7', bad.line, cardinality(bad.f)
            USING HINT = 'Fields are group_code, group_name, designation, province_code, municipality_code, municipality_name, layout_year, without commas inside.';
    END IF;
END
$check$;
SELECT count(*) AS groups FROM (
    SELECT krimp.load_region_group(g.group_code, g.name, g.designation, g.province_code,
                                   coalesce(x.designated_on, DATE '2009-01-01'), g.layout_year, g.members,
                                   coalesce(x.note, 'designated in the interbestuurlijk actieplan bevolkingsdaling of 2009 (seed report); only the year is known, 1 January 2009 stands for it'))
      FROM (SELECT f[1] AS group_code, f[2] AS name, f[3] AS designation, f[4] AS province_code,
                   f[7]::integer AS layout_year, array_agg(f[5] ORDER BY line) AS members
              FROM pg_temp.krimp_group_csv GROUP BY 1, 2, 3, 4, 5) g
      LEFT JOIN (VALUES ('AR-WALCHEREN', DATE '2015-01-01',
                         'designation proposed in the evaluation of the krimp covenants (early 2015); 1 January 2015 stands for "after the evaluation", the designation date is not in the seed report'))
           AS x(group_code, designated_on, note) ON x.group_code = g.group_code) s \gset
COMMIT;
\endif
\set ON_ERROR_STOP :krimp_load_stop
\set ECHO :krimp_load_echo
