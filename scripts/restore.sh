#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a fresh database and an empty
# private storage directory, and check every stored document against its
# recorded SHA-256. See docs/operations.md, "Backup and restore".
#
#   createdb -h host -U user yos_restored
#   DATABASE_URL=postgres://user@host:5432/yos_restored PRIVATE_STORAGE_ROOT=/data/private-restored \
#     scripts/restore.sh /backups/yos-2026-11-25
#
# Refuses (and changes nothing) if the checksums do not match, if the database
# already has tables, or if the private directory is not empty: a restore never
# overwrites. The database is restored in one transaction (all or nothing),
# objects owned by the user in DATABASE_URL. Then run `manage.py migrate` (a
# no-op for a backup of the same release) and point the service at it. Exits
# non-zero if a stored document's file is missing or differs from its SHA-256.
#
# PG_BINDIR as for backup.sh: pg_restore must be the dump's pg_dump version or newer.
set -euo pipefail

usage() { echo "usage: DATABASE_URL=postgres://… PRIVATE_STORAGE_ROOT=… $0 BACKUP_DIR" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${PRIVATE_STORAGE_ROOT:?PRIVATE_STORAGE_ROOT is not set}"
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *) echo "DATABASE_URL must be a postgres:// URL" >&2; exit 2 ;; esac

src=$1
bin=${PG_BINDIR:+$PG_BINDIR/}
psql=("${bin}psql" --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 --dbname="$DATABASE_URL")

(cd "$src" && sha256sum --check --quiet SHA256SUMS) || { echo "checksums do not match: not restoring" >&2; exit 1; }

tables=$("${psql[@]}" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [[ "$tables" != 0 ]]; then
  echo "the database already has $tables tables: restore into a new, empty one (createdb)" >&2
  exit 1
fi
if [[ -e "$PRIVATE_STORAGE_ROOT" && -n "$(ls -A "$PRIVATE_STORAGE_ROOT")" ]]; then
  echo "$PRIVATE_STORAGE_ROOT is not empty: restore the files into a new directory" >&2
  exit 1
fi

"${bin}pg_restore" --exit-on-error --single-transaction --no-owner --no-privileges \
  --dbname="$DATABASE_URL" "$src/database.dump"

mkdir -p "$PRIVATE_STORAGE_ROOT"
tar --extract --file="$src/private.tar" --directory="$PRIVATE_STORAGE_ROOT"

# Every stored document's file is there, with the bytes it was stored with.
sums=$(mktemp)
trap 'rm -f "$sums"' EXIT
"${psql[@]}" -F ' ' -c "SELECT sha256, file FROM yos_storeddocument ORDER BY id" \
  | while read -r sha name; do echo "$sha  $PRIVATE_STORAGE_ROOT/$name"; done >"$sums"
if [[ -s "$sums" ]] && ! sha256sum --check --quiet --strict "$sums"; then
  echo "a stored document is missing or differs from its recorded SHA-256" >&2
  exit 1
fi
echo "restored: $(wc -l <"$sums") stored documents match their SHA-256"
