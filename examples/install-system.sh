#!/bin/sh
# install-system.sh — set up masq's system mode (run as root; `make install-system` calls it).
#
#   sh examples/install-system.sh [SPOOL_DIR [LOG_DIR [MAIL_USER]]]
#
# Defaults: /var/spool/masq, /var/log/masq, mail. Creates (or corrects) the spool that belongs
# to MAIL_USER with the modes spool-format.md gives it:
#   SPOOL_DIR            0711 mail   users may pass through to maildrop/, not list
#   SPOOL_DIR/VERSION    0644 mail
#   SPOOL_DIR/queue tmp corrupt   0700 mail   nobody else may read or write
#   SPOOL_DIR/maildrop   1733 mail   anyone may drop a file; nobody may list or take another's
#   SPOOL_DIR/users      3733 mail   each user's status area users/UID (made by the user,
#                                    group mail by the setgid bit); nobody but mail may list it
#   LOG_DIR              0750 mail, LOG_DIR/masq.log 0640 mail
# Existing mail is never touched. Idempotent.
set -eu
spool=${1:-/var/spool/masq}
logdir=${2:-/var/log/masq}
user=${3:-mail}
[ "$(id -u)" = 0 ] || { echo "install-system.sh: must run as root" >&2; exit 77; }
id -u "$user" >/dev/null 2>&1 || { echo "install-system.sh: no user $user" >&2; exit 67; }
group=$(id -gn "$user")
install -d -o "$user" -g "$group" -m 0711 "$spool"
for d in queue tmp corrupt; do install -d -o "$user" -g "$group" -m 0700 "$spool/$d"; done
install -d -o "$user" -g "$group" -m 1733 "$spool/maildrop"
install -d -o "$user" -g "$group" -m 3733 "$spool/users"
if [ ! -f "$spool/VERSION" ]; then
  printf 'masq spool 2\n' > "$spool/VERSION.new" && mv "$spool/VERSION.new" "$spool/VERSION"
fi
chown "$user:$group" "$spool/VERSION" && chmod 0644 "$spool/VERSION"
install -d -o "$user" -g "$group" -m 0750 "$logdir"
[ -f "$logdir/masq.log" ] || : > "$logdir/masq.log"
chown "$user:$group" "$logdir/masq.log" && chmod 0640 "$logdir/masq.log"
echo "masq system mode: spool $spool and log $logdir belong to $user"
