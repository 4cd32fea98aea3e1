#!/bin/sh
# The streaming replica of the `scale` profile (docker-compose.yml, service db-replica), on the official
# postgres image. On first start (an empty data directory) it copies the primary with pg_basebackup,
# streaming the WAL written meanwhile (-X stream), and writes standby.signal plus primary_conninfo (-R),
# so PostgreSQL starts as a hot standby that replays the primary's WAL and answers read-only queries.
# Later starts find the data directory and just start the standby again.
set -eu

PRIMARY_HOST="${PRIMARY_HOST:-db}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
: "${REPLICATION_USER:?set REPLICATION_USER (a role with REPLICATION on the primary)}"
: "${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD}"
: "${PGDATA:?PGDATA is set by the image}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "replica: waiting for the primary at $PRIMARY_HOST:$PRIMARY_PORT"
  until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER"; do sleep 1; done
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  echo "replica: copying the primary (pg_basebackup)"
  # su-exec: the alpine image's way to drop to the postgres user (gosu on the Debian images).
  su-exec postgres env PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup \
    -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" \
    -D "$PGDATA" -X stream -R --checkpoint=fast --progress
fi

# The image's own entrypoint: the data directory exists, so it skips initdb and starts the standby.
exec docker-entrypoint.sh postgres -c hot_standby=on "$@"
