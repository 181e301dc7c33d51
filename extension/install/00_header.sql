-- krimp install script, generated from extension/install/*.sql by make.
-- Edit the parts in extension/install/, never the generated krimp--<version>.sql.
-- Every object is created in the fixed schema krimp and named with its schema.

\echo Use "CREATE EXTENSION krimp CASCADE" to load this file. \quit
