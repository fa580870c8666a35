-- zetl-preflight catalog query: RDS for Oracle, read-only.
-- Reads the data dictionary (ALL_TABLES, ALL_TAB_COLUMNS, ALL_CONSTRAINTS) only, never a row
-- of your tables, and only what the connected user may see: connect as a user that can see
-- every schema the integration replicates (the master user can). Run it with SQL*Plus 12.2
-- or later (or SQLcl), which writes CSV:
--   sqlplus -s USER@//HOST:PORT/DATABASE @zetl-catalog.sql > catalog.csv
-- then: zetl-preflight check --source ... --target ... --data-from catalog.csv
-- One row per fact; columns that do not apply to a record are empty. For a multitenant
-- instance, run it in each tenant database (PDB) an integration reads.
SET MARKUP CSV ON QUOTE ON
SET HEADING ON
SET FEEDBACK OFF
SET PAGESIZE 50000
SET LINESIZE 32767
SET TERMOUT ON
SELECT 'setting' AS "record", NULL AS "database_name", NULL AS "schema_name",
       NULL AS "table_name", 'version' AS "object_name", NULL AS "kind",
       (SELECT banner FROM v$version WHERE ROWNUM = 1) AS "detail", NULL AS "data_type",
       NULL AS "declared_type", NULL AS "numeric_precision", NULL AS "numeric_scale",
       NULL AS "max_bytes", NULL AS "ordinal_position", NULL AS "flags"
FROM dual
UNION ALL
SELECT 'table', SYS_CONTEXT('USERENV', 'CON_NAME'), t.owner, t.table_name, NULL, 'table',
       NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       CASE WHEN EXISTS (SELECT 1 FROM all_constraints k
                         WHERE k.owner = t.owner AND k.table_name = t.table_name
                           AND k.constraint_type = 'P')
            THEN 'primary_key' END
FROM all_tables t
WHERE t.owner NOT IN (SELECT username FROM all_users WHERE oracle_maintained = 'Y')
  AND t.owner NOT IN ('RDSADMIN')
  AND t.nested = 'NO' AND t.secondary = 'N' AND t.temporary = 'N'
  AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
UNION ALL
SELECT 'column', SYS_CONTEXT('USERENV', 'CON_NAME'), c.owner, c.table_name, c.column_name,
       CASE WHEN c.data_type_mod = 'REF' THEN 'ref'
            WHEN c.data_type_owner IS NULL THEN 'base'
            WHEN c.data_type_owner IN (SELECT username FROM all_users WHERE oracle_maintained = 'Y')
              THEN 'system'
            ELSE 'user' END,
       NULL, c.data_type,
       c.data_type || CASE
         WHEN c.data_type IN ('VARCHAR2', 'NVARCHAR2', 'CHAR', 'NCHAR', 'RAW')
           THEN '(' || c.data_length || ')'
         WHEN c.data_type = 'NUMBER' AND c.data_precision IS NOT NULL
           THEN '(' || c.data_precision || ',' || NVL(c.data_scale, 0) || ')'
         WHEN c.data_type = 'NUMBER' AND c.data_scale IS NOT NULL
           THEN '(*,' || c.data_scale || ')' END,
       TO_CHAR(c.data_precision), TO_CHAR(c.data_scale),
       CASE WHEN c.data_type IN ('VARCHAR2', 'NVARCHAR2', 'CHAR', 'NCHAR', 'RAW')
            THEN TO_CHAR(c.data_length) END,
       TO_CHAR(c.column_id), NULL
FROM all_tab_columns c
JOIN all_tables t ON t.owner = c.owner AND t.table_name = c.table_name
WHERE t.owner NOT IN (SELECT username FROM all_users WHERE oracle_maintained = 'Y')
  AND t.owner NOT IN ('RDSADMIN')
  AND t.nested = 'NO' AND t.secondary = 'N' AND t.temporary = 'N'
  AND (t.iot_type IS NULL OR t.iot_type = 'IOT');
EXIT
