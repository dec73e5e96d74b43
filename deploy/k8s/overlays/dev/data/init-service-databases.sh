#!/usr/bin/env bash
# One database and one login role per service: each service owns its data and
# no other role may connect to it. Run by the postgres image once, when it
# initialises an empty volume (docker-entrypoint-initdb.d). The native
# provisioner does the same in tools/infra/src/service-databases.ts.
set -euo pipefail

create_service_database() {
  local role="$1" password="$2" database="$3"
  psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$role" -v password="$password" -v database="$database" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
}

create_service_database user_service "${USER_SERVICE_DB_PASSWORD:?}" users
create_service_database order_service "${ORDER_SERVICE_DB_PASSWORD:?}" orders
create_service_database payment_service "${PAYMENT_SERVICE_DB_PASSWORD:?}" payments
