#!/bin/sh
# make test-deb: the Debian package installed and used for real, in a minimal Debian 13 root
# (mmdebstrap, with openjdk-25-jre-headless; the tarball is cached in ~/.cache/masq-deb/), as
# root in a private mount and PID namespace:
#   apt-get install ./masq_*.deb; echo hi | sendmail root reaches /var/mail/root; mailq lists a
#   message that waits for a route; remove keeps the spool and /etc/masq; purge leaves no file
#   that was not there before (apt's and dpkg's own logs and caches, and root's mailbox, aside).
#   sh packaging/deb/test-deb.sh build/masq_VERSION_all.deb
set -eu
deb=$(readlink -f "$1")
[ "$(id -u)" = 0 ] || { echo "test-deb: must run as root (chroot)" >&2; exit 77; }
cache=${XDG_CACHE_HOME:-$HOME/.cache}/masq-deb
tarball=$cache/trixie-jre25.tar
if [ ! -f "$tarball" ]; then
  command -v mmdebstrap > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap > /dev/null
  mkdir -p "$cache"
  mmdebstrap --quiet --variant=apt --include=openjdk-25-jre-headless trixie "$cache/new-trixie-jre25.tar" \
    http://deb.debian.org/debian
  mv "$cache/new-trixie-jre25.tar" "$tarball"
fi
root=$(mktemp -d /tmp/masq-test-deb.XXXXXX)
trap 'rm -rf "$root" "$root.before" "$root.after" "$root.mailq"' EXIT
tar -C "$root" -xf "$tarball"
cp "$deb" "$root/tmp/"
files() { find "$root" -xdev | sed "s|^$root||" | LC_ALL=C sort; }
files > "$root.before"
# $1: a shell command run in the root
in_root() {
  unshare --mount --pid --fork sh -c 'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" &&
    exec chroot "$0" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive sh -c "$1"' \
    "$root" "$1"
}
fail() { echo "test-deb: FAILED: $*" >&2; exit 1; }

start=$(date +%s.%N)
in_root "apt-get install -y -qq /tmp/${deb##*/} > /tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }; rm /tmp/apt.log" ||
  fail "apt-get install"
echo "test-deb: apt-get install: $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }") s"
in_root 'cat /usr/lib/masq/launch.env; ls /usr/lib/masq/*.aot'
in_root 'echo hi | sendmail root' || fail "sendmail root"
grep -qx hi "$root/var/mail/root" || fail "no hi in /var/mail/root"
in_root 'printf "Subject: waits\n\nfor a route\n" | sendmail -odq far@example.net && mailq' > "$root.mailq" ||
  fail mailq
grep -q 'far@example.net (waiting for a route' "$root.mailq" || fail "mailq: $(cat "$root.mailq")"
echo "test-deb: sendmail and mailq work"
in_root 'apt-get remove -y -qq masq > /dev/null' || fail "apt-get remove"
for f in /etc/masq/masq.conf /var/spool/masq/queue /var/log/masq/masq.log; do
  [ -e "$root$f" ] || fail "remove took $f"
done
[ ! -e "$root/usr/lib/masq" ] || fail "remove left /usr/lib/masq: $(ls "$root/usr/lib/masq")"
in_root 'apt-get purge -y -qq masq > /dev/null' || fail "apt-get purge"
files | grep -Ev '^/(var/log/(apt(/.*)?|dpkg\.log)|var/cache/apt/.*|var/lib/apt/lists/auxfiles|var/mail/root|tmp/masq_.*\.deb)$' \
  > "$root.after"
left=$(diff "$root.before" "$root.after" | sed -n 's/^> //p')
[ -z "$left" ] || fail "purge left: $left"
echo "test-deb: remove kept the spool and /etc/masq; purge left nothing"
echo "1 passed, 0 failed"
