#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a loopback port and prints its connection URL on stdout
# (everything else goes to stderr). Installs Debian's postgresql if it is missing. Runs the server
# as the current user, or as `postgres` when the current user is root (PostgreSQL refuses root).
#   export MIXTAPE_TEST_PG_URL="$(.ci/postgres.sh)"
# Stop it with: pg_ctl -D "$PGDATA_DIR" stop  (the data dir is printed on stderr).
set -euo pipefail

PORT="${MIXTAPE_PG_PORT:-55432}"
# Take the next free port if that one is in use (another cluster from an earlier run, say).
for _ in $(seq 1 20); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
  PORT=$((PORT + 1))
done
find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

if ! BIN="$(find_bin)"; then
  echo "postgres.sh: installing postgresql from Debian packages" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
fi

RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
  RUN_AS=(runuser -u postgres --)
fi

DATA="$(mktemp -d /tmp/mixtape-pg.XXXXXX)"
chmod 0700 "$DATA"
[ "${#RUN_AS[@]}" -gt 0 ] && chown postgres "$DATA"
"${RUN_AS[@]}" "$BIN/initdb" -D "$DATA" -U mixtape --auth=trust -E UTF8 >/dev/null
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=on -c max_connections=200" start >&2
"${RUN_AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U mixtape mixtape_test
echo "postgres.sh: data dir $DATA (stop: ${RUN_AS[*]} $BIN/pg_ctl -D $DATA stop)" >&2
echo "postgres://mixtape@127.0.0.1:$PORT/mixtape_test"
