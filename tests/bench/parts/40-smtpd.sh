# masq-smtpd: intake in --listen mode from `smtp-source -s 10 -m 5000` (one message per
# connection, each fsynced into the spool before its 250; -odq so only intake is measured),
# next to the loopback ceiling (smtp-source into Postfix's smtp-sink) measured here and now,
# the disk's ceiling (the commit protocol alone) and the server's own (the spool on tmpfs);
# and inetd-mode sessions per second (socat forks one masq-smtpd per connection and hands it
# the TCP socket itself, as inetd does).
smtpd_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
smtpd_wait_port() { # $1 port
  i=0
  until socat -u /dev/null "TCP:127.0.0.1:$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && { echo "bench: nothing listens on port $1" >&2; return 1; }
    sleep 0.05
  done
}
smtpd_rate() { # $1 count, $2 start ms, $3 end ms
  echo $(( $1 * 1000 / ($3 - $2 > 0 ? $3 - $2 : 1) ))
}
smtpd_load() { # $1 port, $2 sessions, $3 messages: smtp-source's rate into 127.0.0.1:$1
  s=$(now_ms)
  smtp-source -s "$2" -m "$3" -f a@bench.example -t b@bench.example "127.0.0.1:$1" >&2
  e=$(now_ms)
  smtpd_rate "$3" "$s" "$e"
}
smtpd_listen() { # $1 conf, $2 pid file: masq-smtpd --listen, warmed up with 1,000 messages
  smtpd_port=$(smtpd_free_port)
  "$MASQ_HOME/bin/masq-smtpd" -C "$1" -odq --listen "127.0.0.1:$smtpd_port" --pidfile "$2" &
  smtpd_srv=$!
  smtpd_wait_port "$smtpd_port"
  smtpd_load "$smtpd_port" 10 1000 >/dev/null
}
smtpd_sink_user=
[ "$(id -u)" = 0 ] && smtpd_sink_user="-u nobody"
smtpd_dir=$BENCH_TMP/smtpd
smtpd_conf=$(bench_conf "$smtpd_dir")

# the ceiling: the same load into smtp-sink, which does no work
p=$(smtpd_free_port)
smtp-sink $smtpd_sink_user "127.0.0.1:$p" 256 & smtpd_sink=$!
smtpd_wait_port "$p"
sink_rate=$(smtpd_load "$p" 10 5000)
sink_sessions=$(smtpd_load "$p" 2 200)
kill "$smtpd_sink" 2>/dev/null; wait "$smtpd_sink" 2>/dev/null || true

# ext4 without a journal (this machine's /) allocates every new inode past all free inodes of
# its block group that were deleted in the last 60 s (360 s while their inode-table block is
# dirty: recently_deleted() in the kernel), scanning them under the directory's lock; so the
# thousands of spool files that parts 20 and 30 (and an earlier bench's clean-up) deleted make
# each file created now several times dearer. Intake is measured as it comes, then again after
# a sync and 61 s without deletions, which is the figure for the target. Nothing is deleted
# before the measurements below (the exit trap does it).

# standalone: warm the JIT up with 1,000 messages, then measure 5,000, twice
smtpd_listen "$smtpd_conf" "$smtpd_dir/pid"
deleted_rate=$(smtpd_load "$smtpd_port" 10 5000)
sync; sleep 61
listen_rate=$(smtpd_load "$smtpd_port" 10 5000)
kill "$smtpd_srv" 2>/dev/null; wait "$smtpd_srv" 2>/dev/null || true
queued=$(ls "$smtpd_dir/spool/queue" | grep -c '\.msg$' || true)
# the disk's ceiling for this: the spool's commit protocol alone (spool-format.md: one file with
# message and envelope, its fsync, its link into queue/, one shared fsync of queue/), 10 threads
# in Java, no SMTP, in the same tmp/ and queue/ directories: how dear a new file is depends on
# where ext4 put the directory (a fresh one here: 8,400/s; one among many recently deleted
# files: 1,300/s)
commit_rate=$("$JDK/bin/java" -XX:+UseSerialGC "$MASQ_HOME/tests/bench/CommitFloor.java" "$smtpd_dir/spool" 10 5000)

# the same with the spool in memory (tmpfs, where fsync costs nothing): what the server
# itself can take, apart from the disk
shm_rate=-
if shm_dir=$(mktemp -d /dev/shm/masq-bench.XXXXXX 2>/dev/null); then
  shm_conf=$(bench_conf "$shm_dir")
  smtpd_listen "$shm_conf" "$shm_dir/pid"
  shm_rate=$(smtpd_load "$smtpd_port" 10 5000)
  kill "$smtpd_srv" 2>/dev/null; wait "$smtpd_srv" 2>/dev/null || true
  rm -rf "$shm_dir"
fi
echo "| \`masq-smtpd --listen\` intake, \`smtp-source -s 10 -m 5000\` | ${listen_rate} msgs/s | after a sync and 61 s without deletions; ${deleted_rate} msgs/s right after the earlier parts' deletions (ext4 without a journal: see the script); loopback ceiling (smtp-source → smtp-sink) ${sink_rate} msgs/s; each message durable before its 250; the commit protocol alone (10 Java threads, no SMTP: tests/bench/CommitFloor.java) ${commit_rate} msgs/s; the spool on tmpfs (no disk) ${shm_rate} msgs/s; ${queued} of 11000 queued |"

# inetd mode: one JVM per connection, into a spool of its own
smtpd_idir=$BENCH_TMP/smtpd-inetd
smtpd_iconf=$(bench_conf "$smtpd_idir")
p=$(smtpd_free_port)
socat "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr,fork,backlog=64" \
  "EXEC:$MASQ_HOME/bin/masq-smtpd -C $smtpd_iconf -odq,nofork" & smtpd_socat=$!
smtpd_wait_port "$p"
sleep 0.5 # the probe's own session
inetd_rate=$(smtpd_load "$p" 2 200)
kill "$smtpd_socat" 2>/dev/null; wait "$smtpd_socat" 2>/dev/null || true
inetd_ms=$(( 2000 / (inetd_rate > 0 ? inetd_rate : 1) )) # two sessions at a time
queued=$(ls "$smtpd_idir/spool/queue" | grep -c '\.msg$' || true)
echo "| \`masq-smtpd\` inetd mode (socat fork, the socket on stdin), \`smtp-source -s 2 -m 200\` | ${inetd_rate} sessions/s | ~${inetd_ms} ms per session (one JVM start each); smtp-sink ceiling ${sink_sessions} sessions/s; ${queued} of 200 queued |"
