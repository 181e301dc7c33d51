-- pgbench: what a BI tool reads: the star's facts and dimensions.
SELECT count(*), sum(value) FROM krimp_bi.fact_observation;
SELECT count(*) FROM krimp_bi.fact_tipping_point;
SELECT count(*) FROM krimp_bi.fact_evaluation;
SELECT * FROM krimp_bi.fact_scorecard;
SELECT count(*) FROM krimp_bi.dim_region;
