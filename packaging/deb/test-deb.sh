#!/bin/sh
# make test-deb: the Debian package installed and used for real, in a minimal Debian 13 root
# (mmdebstrap, with openjdk-25-jre-headless; the tarball is cached in ~/.cache/masq-deb/), as
# root in a private mount and PID namespace:
#   apt-get install ./masq_*.deb; echo hi | sendmail root reaches /var/mail/root; mailq lists a
#   message that waits for a route, and a queue run sends it to smtp-sink outside the root; the
#   trigger on /usr/lib/jvm makes the caches again, and a cache of another build of the runtime
#   is passed over in silence; a reinstall makes them again; remove keeps the spool and
#   /etc/masq; purge leaves no file that was not there before (apt's and dpkg's own logs and
#   caches, and root's mailbox, aside).
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
trap 'rm -rf "$root" "$root.before" "$root.after" "$root.mailq" "$root.err"' EXIT
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
grep -qx 'MASQ_JDK=/usr/lib/jvm/java-25-openjdk-amd64' "$root/usr/lib/masq/launch.env" ||
  fail "launch.env: $(cat "$root/usr/lib/masq/launch.env")"
for c in masq.aot masq-inject.aot; do [ -f "$root/usr/lib/masq/$c" ] || fail "no $c"; done
in_root 'echo hi | sendmail root' 2> "$root.err" || fail "sendmail root: $(cat "$root.err")"
[ ! -s "$root.err" ] || fail "sendmail root said: $(cat "$root.err")"
grep -qx hi "$root/var/mail/root" || fail "no hi in /var/mail/root"
in_root 'printf "Subject: waits\n\nfor a route\n" | sendmail -odq far@example.net && mailq' > "$root.mailq" ||
  fail mailq
grep -q 'far@example.net (waiting for a route' "$root.mailq" || fail "mailq: $(cat "$root.mailq")"
echo "test-deb: sendmail and mailq work"
# a queue run over a route to Postfix's smtp-sink outside the root (where Postfix is installed,
# as tests/install-deps.sh does)
if [ -x /usr/sbin/smtp-sink ]; then
  port=$((20000 + $$ % 10000))
  dump=$(mktemp -d /tmp/masq-test-deb-sink.XXXXXX) && chmod 777 "$dump"
  /usr/sbin/smtp-sink -u nobody -d "$dump/" "127.0.0.1:$port" 8 > /dev/null 2>&1 &
  sink=$!
  printf 'mail_host = 127.0.0.1:%s\n' "$port" > "$root/etc/masq/sink.route"
  printf 'query_routes.sink = "/etc/masq/sink.route"\n' >> "$root/etc/masq/masq.conf"
  sleep 1
  in_root 'sendmail -qo sink && mailq' > "$root.mailq" 2>&1 || { kill $sink; fail "sendmail -qo sink: $(cat "$root.mailq")"; }
  kill $sink
  grep -rqs '^for a route' "$dump" || fail "smtp-sink got nothing; mailq: $(cat "$root.mailq")"
  grep -q 'mail queue is empty' "$root.mailq" || fail "still queued: $(cat "$root.mailq")"
  rm -rf "$dump"
  echo "test-deb: a queue run sent the waiting message over a route to smtp-sink"
fi
# a package that changes /usr/lib/jvm: the trigger makes the caches again
touch -d '2000-01-01' "$root/usr/lib/masq/masq.aot"
in_root 'dpkg-trigger --no-await /usr/lib/jvm && dpkg --triggers-only -a' || fail "the trigger"
[ "$root/usr/lib/masq/masq.aot" -nt "$root/usr/lib/masq/masq-tools.jar" ] || fail "the trigger made no cache"
# another build of the runtime at the path launch.env names (a runtime updated in place, before
# its trigger ran): the caches are not its own, and no command may say so
other=/usr/lib/jvm/temurin-25-jdk-amd64
if [ -x "$other/bin/java" ]; then
  mkdir -p "$root/opt/other-jdk" && cp -a "$other/." "$root/opt/other-jdk/"
  sed -i 's|^MASQ_JDK=.*|MASQ_JDK=/opt/other-jdk|' "$root/usr/lib/masq/launch.env"
  in_root 'sendmail -bV && mailq' > /dev/null 2> "$root.err" || fail "with another build: $(cat "$root.err")"
  [ ! -s "$root.err" ] || fail "with another build, the commands said: $(cat "$root.err")"
  rm -rf "$root/opt/other-jdk"
  in_root /usr/lib/masq/setup-jdk
  echo "test-deb: a cache of another build of the runtime is passed over in silence"
fi
# an upgrade (here: the same version again): the prerm drops the caches, the postinst makes them
# for the new jars
in_root "apt-get install -y -qq --reinstall /tmp/${deb##*/} > /dev/null 2>&1" || fail "reinstall"
for c in masq.aot masq-inject.aot; do
  [ "$root/usr/lib/masq/$c" -nt "$root/usr/lib/masq/masq-tools.jar" ] || fail "no fresh $c after reinstall"
done
in_root 'mailq' > /dev/null 2> "$root.err" && [ ! -s "$root.err" ] || fail "after reinstall: $(cat "$root.err")"
echo "test-deb: a reinstall makes the caches again"
in_root 'apt-get remove -y -qq masq > /dev/null' || fail "apt-get remove"
for f in /etc/masq/masq.conf /var/spool/masq/queue /var/log/masq/masq.log; do
  [ -e "$root$f" ] || fail "remove took $f"
done
[ ! -e "$root/usr/lib/masq" ] || fail "remove left /usr/lib/masq: $(ls "$root/usr/lib/masq")"
rm -f "$root/etc/masq/sink.route" # the administrator's own file: purge leaves it, as dpkg does
in_root 'apt-get purge -y -qq masq > /dev/null' || fail "apt-get purge"
files | grep -Ev '^/(var/log/(apt(/.*)?|dpkg\.log)|var/cache/apt/.*|var/lib/apt/lists/auxfiles|var/mail/root|tmp/masq_.*\.deb)$' \
  > "$root.after"
left=$(diff "$root.before" "$root.after" | sed -n 's/^> //p')
[ -z "$left" ] || fail "purge left: $left"
echo "test-deb: remove kept the spool and /etc/masq; purge left nothing"
echo "1 passed, 0 failed"
