-- zetl-preflight catalog query: PostgreSQL (Aurora PostgreSQL, RDS for PostgreSQL), read-only.
-- Reads pg_catalog only, never a row of your tables. The catalog is per database: run it in
-- every database the integration's data filter includes, one CSV file each:
--   psql --csv -h HOST -p PORT -U USER -d DATABASE -f zetl-catalog.sql > DATABASE.csv
-- then: zetl-preflight check --source ... --target ... --data-from app.csv --data-from sales.csv
-- One row per fact; columns that do not apply to a record are empty. A column's `kind` is
-- where its type comes from (base, enum, domain, composite, range, array, custom, extension).
SELECT 'setting' AS record, '' AS database_name, '' AS schema_name, '' AS table_name,
       'current_database' AS object_name, '' AS kind, current_database()::text AS detail,
       '' AS data_type, '' AS declared_type, '' AS numeric_precision, '' AS numeric_scale,
       '' AS max_bytes, '' AS ordinal_position, '' AS flags
UNION ALL
SELECT 'setting', '', '', '', 'version', '', version(), '', '', '', '', '', '', ''
UNION ALL
SELECT 'database', datname::text, '', '', '', '', pg_encoding_to_char(encoding)::text,
       '', '', '', '', '', '', ''
FROM pg_database WHERE datallowconn AND NOT datistemplate
UNION ALL
SELECT 'table', current_database()::text, n.nspname::text, c.relname::text, '',
       CASE WHEN c.relkind = 'm' THEN 'materialized_view'
            WHEN c.relkind = 'p' THEN 'partitioned'
            WHEN c.relpersistence = 'u' THEN 'unlogged'
            ELSE 'table' END,
       '', '', '', '', '', '', '',
       concat_ws(',',
         CASE WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
              THEN 'primary_key' END,
         CASE WHEN c.relispartition THEN 'partition' END)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
UNION ALL
SELECT 'column', current_database()::text, n.nspname::text, c.relname::text, a.attname::text,
       CASE WHEN EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                         AND d.objid = t.oid AND d.deptype = 'e') THEN 'extension'
            WHEN t.typtype = 'e' THEN 'enum'
            WHEN t.typtype = 'd' THEN 'domain'
            WHEN t.typtype = 'c' THEN 'composite'
            WHEN t.typtype IN ('r', 'm') THEN 'range'
            WHEN t.typcategory = 'A' THEN 'array'
            WHEN tn.nspname <> 'pg_catalog' THEN 'custom'
            ELSE 'base' END,
       '', t.typname::text, format_type(a.atttypid, a.atttypmod),
       CASE WHEN t.typname = 'numeric' AND a.atttypmod >= 4
            THEN (((a.atttypmod - 4) >> 16) & 65535)::text ELSE '' END,
       CASE WHEN t.typname = 'numeric' AND a.atttypmod >= 4
            THEN ((((a.atttypmod - 4) & 2047) # 1024) - 1024)::text ELSE '' END,
       '', a.attnum::text, ''
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%';
