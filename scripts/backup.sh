#!/usr/bin/env bash
# Back up the service: the PostgreSQL database and the private files (letters,
# uploads, exports). See docs/operations.md, "Backup and restore".
#
#   DATABASE_URL=postgres://user@host:5432/yos PRIVATE_STORAGE_ROOT=/data/private \
#     scripts/backup.sh /backups/yos-2026-11-25
#
# Writes into the (new or empty) directory given:
#   database.dump   pg_dump's custom format (one consistent snapshot)
#   private.tar     the private storage directory
#   SHA256SUMS      checksums of both, checked by scripts/restore.sh
#
# The database is dumped first, the files second. A document's file is written
# before its database row commits and the service never deletes one, so every
# document in the dump has its file in the archive; a file saved in between is
# only an unreferenced extra. The service can keep running meanwhile.
#
# pg_dump must be the server's major version or newer: set PG_BINDIR (for
# example /usr/lib/postgresql/15/bin) if the one on PATH is older. A password
# goes in the URL or, better, in ~/.pgpass or PGPASSWORD.
set -euo pipefail

usage() { echo "usage: DATABASE_URL=postgres://… PRIVATE_STORAGE_ROOT=… $0 DEST_DIR" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${PRIVATE_STORAGE_ROOT:?PRIVATE_STORAGE_ROOT is not set}"
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *) echo "DATABASE_URL must be a postgres:// URL" >&2; exit 2 ;; esac
[[ -d "$PRIVATE_STORAGE_ROOT" ]] || { echo "no private storage at $PRIVATE_STORAGE_ROOT" >&2; exit 2; }

dest=$1
bin=${PG_BINDIR:+$PG_BINDIR/}
mkdir -p "$dest"
if [[ -n "$(ls -A "$dest")" ]]; then
  echo "$dest is not empty: give a new directory for each backup" >&2
  exit 2
fi

"${bin}pg_dump" --format=custom --compress=6 --file="$dest/database.dump" --dbname="$DATABASE_URL"
"${bin}pg_restore" --list "$dest/database.dump" >/dev/null  # the dump is readable

tar --create --file="$dest/private.tar" --directory="$PRIVATE_STORAGE_ROOT" .

(cd "$dest" && sha256sum database.dump private.tar >SHA256SUMS)
echo "backup written to $dest:"
(cd "$dest" && ls -l database.dump private.tar SHA256SUMS)
