#!/bin/sh
# Creates the portal's two PostgreSQL roles if they are missing (safe to run again):
#   qualitymark_owner  owns the database and its tables; `manage.py migrate` runs as it
#   qualitymark_app    the role web, worker and beat run as; migrate grants it ordinary
#                      reads and writes, but only INSERT and SELECT on the audit trail
# and hands the database named by QUALITYMARK_DB (if given) to the owner.
#
# Run by the postgres image on first start (/docker-entrypoint-initdb.d) and by .ci/run.
# Connection settings come from the usual PG* variables; the passwords from
# QUALITYMARK_DB_OWNER_PASSWORD and QUALITYMARK_DB_APP_PASSWORD.
set -eu
psql -v ON_ERROR_STOP=1 --dbname="${PGDATABASE:-postgres}" \
  -v owner_password="${QUALITYMARK_DB_OWNER_PASSWORD:-qualitymark-owner-local}" \
  -v app_password="${QUALITYMARK_DB_APP_PASSWORD:-qualitymark-app-local}" <<'SQL'
SELECT format('CREATE ROLE qualitymark_owner LOGIN CREATEDB PASSWORD %L', :'owner_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qualitymark_owner') \gexec
SELECT format('CREATE ROLE qualitymark_app LOGIN PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qualitymark_app') \gexec
ALTER ROLE qualitymark_app NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE qualitymark_owner NOSUPERUSER NOREPLICATION NOBYPASSRLS;
SQL
if [ -n "${QUALITYMARK_DB:-}" ]; then
  psql -v ON_ERROR_STOP=1 --dbname="$QUALITYMARK_DB" <<SQL
ALTER DATABASE "$QUALITYMARK_DB" OWNER TO qualitymark_owner;
ALTER SCHEMA public OWNER TO qualitymark_owner;
SQL
fi
