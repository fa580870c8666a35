-- zetl-preflight catalog query: MySQL (Aurora MySQL, RDS for MySQL), read-only.
-- Reads information_schema only, never a row of your tables. Run it with the mysql client
-- and save its tab-separated output:
--   mysql --batch --raw -h HOST -P PORT -u USER -p < zetl-catalog.sql > catalog.tsv
-- then: zetl-preflight check --source ... --target ... --data-from catalog.tsv
-- One row per fact; columns that do not apply to a record are empty.
SELECT 'setting' AS record, '' AS database_name, '' AS schema_name, '' AS table_name,
       'lower_case_table_names' AS object_name, '' AS kind,
       CAST(@@lower_case_table_names AS CHAR) AS detail, '' AS data_type, '' AS declared_type,
       '' AS numeric_precision, '' AS numeric_scale, '' AS max_bytes, '' AS ordinal_position,
       '' AS flags
UNION ALL
SELECT 'setting', '', '', '', 'version', '', CAST(VERSION() AS CHAR), '', '', '', '', '', '', ''
UNION ALL
SELECT 'table', CAST(t.TABLE_SCHEMA AS CHAR), '', CAST(t.TABLE_NAME AS CHAR), '', 'table',
       COALESCE(CAST(t.ENGINE AS CHAR), ''), '', '', '', '', '', '',
       CASE WHEN EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS k
                         WHERE k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME
                           AND k.CONSTRAINT_TYPE = 'PRIMARY KEY')
            THEN 'primary_key' ELSE '' END
FROM information_schema.TABLES t
WHERE t.TABLE_TYPE = 'BASE TABLE'
  AND t.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
UNION ALL
SELECT 'column', CAST(c.TABLE_SCHEMA AS CHAR), '', CAST(c.TABLE_NAME AS CHAR),
       CAST(c.COLUMN_NAME AS CHAR), '', '', CAST(c.DATA_TYPE AS CHAR), CAST(c.COLUMN_TYPE AS CHAR),
       COALESCE(CAST(c.NUMERIC_PRECISION AS CHAR), ''), COALESCE(CAST(c.NUMERIC_SCALE AS CHAR), ''),
       COALESCE(CAST(c.CHARACTER_OCTET_LENGTH AS CHAR), ''), CAST(c.ORDINAL_POSITION AS CHAR), ''
FROM information_schema.COLUMNS c
WHERE c.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
UNION ALL
SELECT 'foreign_key', CAST(r.CONSTRAINT_SCHEMA AS CHAR), '', CAST(r.TABLE_NAME AS CHAR),
       CAST(r.CONSTRAINT_NAME AS CHAR), CAST(r.UPDATE_RULE AS CHAR), CAST(r.DELETE_RULE AS CHAR),
       '', '', '', '', '', '', ''
FROM information_schema.REFERENTIAL_CONSTRAINTS r
WHERE r.CONSTRAINT_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
  AND (r.UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')
       OR r.DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT'));
