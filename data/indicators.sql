-- The indicator catalogue: every indicator the bundled CBS data fill, on the
-- report's themes (krimp.indicator_themes()), and the one a decline region
-- measures of its own (vacancy_rate_excl_second, data/seed/).  The one home of these
-- definitions: krimpctl demo, the scripts and the tests load this file.
-- Idempotent: an indicator that exists is left as it is.
--   psql -v ON_ERROR_STOP=1 -f data/indicators.sql
-- A rate (share_*, vacancy_rate) aggregates over regions as a mean weighted
-- by its denominator; direction_of_good: 1 higher is better, -1 lower is
-- better, 0 neutral.  Forecasts are not indicators of their own: they are
-- figures of kind 'forecast' of population, population_65plus and
-- households, with their producer and base year.  Bron: CBS, CC BY 4.0.
BEGIN;
CREATE TEMPORARY TABLE krimp_catalogue ON COMMIT DROP AS
SELECT * FROM (VALUES
    -- denominators first: a rate refers to its denominator by code
    (1, 'population', 'Bevolking op 1 januari', 'persons', 0, 'demography', 'CBS 37230ned, 03759ned', 'sum', NULL, 1,
     'Population on 1 January (CBS 37230ned Bevolkingsontwikkeling; regio per maand, and 03759ned Bevolking; '
     'geslacht, leeftijd, burgerlijke staat en regio): the two tables'' figures for the same year are vintages'),
    (1, 'housing_stock', 'Woningvoorraad', 'dwellings', 0, 'housing', 'CBS 81293ned, 82550NED', 'sum', NULL, 0,
     'Housing stock on 1 January, all dwellings'),
    (1, 'households', 'Particuliere huishoudens', 'thousand households', 1, 'households', 'CBS 70072ned, 71549ned',
     'sum', NULL, 1, 'Private households (excluding students in 70072ned), in thousands'),
    (2, 'population_0_15', 'Bevolking 0 tot 15 jaar', 'persons', 0, 'demography', 'CBS 80860ned', 'sum', NULL, 1,
     'Population aged 0 to 15 on 1 January (counts rounded to tens)'),
    (2, 'population_15_25', 'Bevolking 15 tot 25 jaar', 'persons', 0, 'demography', 'CBS 80860ned', 'sum', NULL, 1,
     'Population aged 15 to 25 on 1 January (counts rounded to tens)'),
    (2, 'population_65plus', 'Bevolking 65 jaar of ouder', 'persons', 0, 'demography', 'CBS 80860ned, 71547ned',
     'sum', NULL, 0, 'Population aged 65 or over on 1 January'),
    (2, 'share_0_15', 'Aandeel 0 tot 15 jaar', '% of the population', 1, 'demography', 'CBS 80860ned', 'weighted mean',
     'population', 1, 'Share of the population aged 0 to 15: population_0_15 over the total population, in percent'),
    (2, 'share_15_25', 'Aandeel 15 tot 25 jaar', '% of the population', 1, 'demography', 'CBS 80860ned', 'weighted mean',
     'population', 1, 'Share of the population aged 15 to 25 (young people leaving shows here), in percent'),
    (2, 'share_65plus', 'Aandeel 65 jaar of ouder', '% of the population', 1, 'demography', 'CBS 80860ned',
     'weighted mean', 'population', -1, 'Share of the population aged 65 or over (ageing), in percent'),
    (2, 'vacant_dwellings', 'Leegstaande woningen', 'dwellings', 0, 'housing', 'CBS 81293ned', 'sum', NULL, -1,
     'Vacant dwellings on 1 January'),
    (2, 'vacancy_rate', 'Leegstand', '% of the housing stock', 1, 'housing', 'CBS 81293ned', 'weighted mean',
     'housing_stock', -1, 'Vacant dwellings as a percentage of the housing stock'),
    (2, 'sale_price', 'Gemiddelde verkoopprijs', 'euro', 0, 'housing', 'CBS 83625NED', 'weighted mean',
     'housing_stock', 1, 'Average sale price of existing owner-occupied homes'),
    (2, 'woz_value', 'Gemiddelde WOZ-waarde', 'thousand euro', 0, 'housing', 'CBS 85036NED', 'weighted mean',
     'housing_stock', 1, 'Average WOZ (property tax) value of dwellings'),
    (2, 'distance_gp', 'Afstand tot huisartsenpraktijk', 'km', 1, 'facilities', 'CBS 80305ned', 'weighted mean',
     'population', -1, 'Average distance by road of the inhabitants to the nearest GP practice'),
    (2, 'distance_supermarket', 'Afstand tot grote supermarkt', 'km', 1, 'facilities', 'CBS 80305ned',
     'weighted mean', 'population', -1, 'Average distance by road of the inhabitants to the nearest large supermarket'),
    (2, 'distance_school', 'Afstand tot basisschool', 'km', 1, 'facilities', 'CBS 80305ned', 'weighted mean',
     'population', -1, 'Average distance by road of the inhabitants to the nearest primary school'),
    (2, 'distance_station', 'Afstand tot treinstation', 'km', 1, 'facilities', 'CBS 80305ned', 'weighted mean',
     'population', -1, 'Average distance by road of the inhabitants to the nearest railway station'),
    (2, 'disposable_income', 'Gemiddeld besteedbaar inkomen', 'thousand euro', 1, 'income and economy',
     'CBS 70072ned', 'weighted mean', 'households', 1,
     'Average disposable income of private households (excluding students)'),
    (2, 'vacancy_rate_excl_second', 'Leegstand exclusief tweede woningen', '% of the housing stock', 1, 'housing',
     'Provincie Zeeland, in the seed report', 'none', NULL, -1,
     'Vacant dwellings excluding second homes, as a percentage of the housing stock, as a region measures it: a '
     'figure of a decline region of its own (Zeeuws-Vlaanderen 9.9 % in 2012, 7.6 % in 2013), not a sum of its '
     'municipalities, and of another definition than CBS''s vacancy_rate')
  ) AS d(pass, code, name, unit, decimals, theme, source, aggregation, denominator, direction_of_good, description);
-- pass 1 the denominators, pass 2 what refers to them
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, source, aggregation, denominator_id,
                             direction_of_good, description)
SELECT d.code, d.name, d.unit, d.decimals, 'year', d.theme, d.source, d.aggregation, NULL, d.direction_of_good,
       d.description
  FROM krimp_catalogue d WHERE d.pass = 1
ON CONFLICT (code) DO NOTHING;
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, source, aggregation, denominator_id,
                             direction_of_good, description)
SELECT d.code, d.name, d.unit, d.decimals, 'year', d.theme, d.source, d.aggregation,
       (SELECT i.indicator_id FROM krimp.indicator i WHERE i.code = d.denominator), d.direction_of_good, d.description
  FROM krimp_catalogue d WHERE d.pass = 2
ON CONFLICT (code) DO NOTHING;
COMMIT;
