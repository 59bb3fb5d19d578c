#!/usr/bin/env bash
# Installs a release bundle (made by scripts/release) as a systemd service: docs/DEPLOY.md.
#
#   sudo deploy/install.sh BUNDLE                 the app server (and its nightly backup)
#   sudo deploy/install.sh --surrealdb BUNDLE     the SurrealDB server (bundle made with
#                                                 scripts/release --with-surrealdb)
#   deploy/install.sh --root DIR BUNDLE           the same files under DIR, without users or
#                                                 systemctl (how the tests check this script)
#
# Safe to run again: an existing settings file is kept; binaries and the site are replaced.
set -euo pipefail

root=""
surrealdb=0
while [ $# -gt 1 ]; do
  case "$1" in
    --root) root="$2"; shift 2 ;;
    --surrealdb) surrealdb=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bundle="${1:?usage: install.sh [--root DIR] [--surrealdb] BUNDLE}"
[ -x "$bundle/bin/server" ] || { echo "$bundle is not a bundle made by scripts/release" >&2; exit 2; }
live=1
[ -n "$root" ] && live=0

# As root on a live system; under --root, the caller's own files.
as_service() { if [ "$live" = 1 ]; then "$@"; fi; }

if [ "$surrealdb" = 1 ]; then
  [ -x "$bundle/bin/surreal" ] || { echo "the bundle has no SurrealDB server (scripts/release --with-surrealdb)" >&2; exit 2; }
  as_service id surrealdb >/dev/null 2>&1 || as_service useradd --system --home /var/lib/surrealdb --shell /usr/sbin/nologin surrealdb
  install -d "$root/opt/surrealdb" "$root/etc/surrealdb" "$root/etc/systemd/system"
  install -m 755 "$bundle/bin/surreal" "$root/opt/surrealdb/surreal"
  install -m 644 "$bundle/deploy/surrealdb.service" "$root/etc/systemd/system/surrealdb.service"
  if [ ! -f "$root/etc/surrealdb/surrealdb.env" ]; then
    umask 077
    printf 'SURREAL_BIND=0.0.0.0:8000\nSURREAL_USER=root\nSURREAL_PASS=%s\n' \
      "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$root/etc/surrealdb/surrealdb.env"
    echo "Wrote $root/etc/surrealdb/surrealdb.env with a new password: give it to the app servers as HUB_DB_PASS."
  fi
  as_service systemctl daemon-reload
  as_service systemctl enable --now surrealdb
  exit 0
fi

as_service id hub >/dev/null 2>&1 || as_service useradd --system --home /var/lib/secondment-hub --shell /usr/sbin/nologin hub
install -d "$root/opt/secondment-hub/bin" "$root/etc/secondment-hub" "$root/etc/systemd/system" \
  "$root/var/lib/secondment-hub"
# Backups hold every secret of the server: the hub user's alone (also tightened on an upgrade,
# since `server backup` refuses a folder that others may open).
install -d -m 700 "$root/var/backups/secondment-hub"
# The binary and hash.txt (which names the built assets) side by side, and the site's files.
install -m 755 "$bundle/bin/server" "$root/opt/secondment-hub/bin/server"
if [ -f "$bundle/bin/hash.txt" ]; then install -m 644 "$bundle/bin/hash.txt" "$root/opt/secondment-hub/bin/hash.txt"; fi
rm -rf "$root/opt/secondment-hub/site.new"
cp -r "$bundle/site" "$root/opt/secondment-hub/site.new"
rm -rf "$root/opt/secondment-hub/site"
mv "$root/opt/secondment-hub/site.new" "$root/opt/secondment-hub/site"
for unit in secondment-hub.service secondment-hub-backup.service secondment-hub-backup.timer; do
  install -m 644 "$bundle/deploy/$unit" "$root/etc/systemd/system/$unit"
done
if [ ! -f "$root/etc/secondment-hub/hub.env" ]; then
  install -m 640 "$bundle/deploy/hub.env.example" "$root/etc/secondment-hub/hub.env"
  echo "Wrote $root/etc/secondment-hub/hub.env: set HUB_PUBLIC_URL and HUB_SMTP_URL there, then restart."
fi
as_service chown root:hub /etc/secondment-hub/hub.env
as_service chown hub:hub /var/lib/secondment-hub /var/backups/secondment-hub
as_service systemctl daemon-reload
as_service systemctl enable --now secondment-hub secondment-hub-backup.timer
as_service systemctl restart secondment-hub
echo "Installed. Ready check: curl -fs http://127.0.0.1:3000/readyz"
