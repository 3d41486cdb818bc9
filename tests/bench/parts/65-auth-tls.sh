# AUTH and TLS per connection, not per message: one `masq-deliver --route` run sends 1,000
# queued 2 KB messages (1 rcpt each) over ONE connection with STARTTLS and AUTH SCRAM-SHA-256
# to Dovecot's submission server (run from a private configuration here, relaying to
# smtp-sink), next to the same queue sent over a plain route straight to smtp-sink in this run.
# Dovecot relays each message to its smtp-sink before it answers the final dot, so its row is
# bounded by Dovecot as well; its log shows how many logins (AUTHs) the run needed.
auth_bench() {
  if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/dovecot ]; then
    echo "| masq-deliver --route over STARTTLS + SCRAM-SHA-256 to Dovecot | - | skipped: needs root and dovecot-core, dovecot-submissiond (tests/install-deps.sh) |"
    return 0
  fi
  d=$BENCH_TMP/auth; mkdir -p "$d/dovecot/home" "$d/dovecot/state"; chmod 755 "$BENCH_TMP" "$d" "$d/dovecot"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1
  printf 'bench:{PLAIN}bench-secret::::::\n' > "$d/dovecot/passwd"
  relay=$(bench_port); relay_pid=$(bench_sink "$relay")
  sub=$(bench_port)
  cat > "$d/dovecot/dovecot.conf" <<CONF
base_dir = $d/dovecot/run
state_dir = $d/dovecot/state
instance_name = masq-bench-$sub
protocols = submission
listen = 127.0.0.1
log_path = $d/dovecot/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_location = maildir:$d/dovecot/home/Maildir
ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
auth_mechanisms = plain scram-sha-256
auth_verbose = yes
hostname = dovecot.bench
submission_relay_host = 127.0.0.1
submission_relay_port = $relay
submission_relay_trusted = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/dovecot/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$d/dovecot/home
}
service submission-login {
  inet_listener submission {
    address = 127.0.0.1
    port = $sub
  }
}
service anvil {
  chroot =
}
CONF
  /usr/sbin/dovecot -F -c "$d/dovecot/dovecot.conf" >"$d/dovecot/out" 2>&1 &
  dv_pid=$!
  for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$sub),0.2)" 2>/dev/null && break; sleep 0.1; done
  printf 'bench-secret\n' > "$d/secret"
  for kind in scram clear plain; do
    q=$d/$kind
    if [ $kind = scram ]; then
      printf 'mail_host = 127.0.0.1:%s\ntls = starttls\ntls_trust_file = "%s"\nauth_name = scram-sha-256\nauth_login = bench\nauth_secret_file = "%s"\n' \
        "$sub" "$d/cert.pem" "$d/secret" > "$q.route"
    elif [ $kind = clear ]; then
      printf 'mail_host = 127.0.0.1:%s\nauth_name = scram-sha-256\nauth_login = bench\nauth_secret_file = "%s"\n' \
        "$sub" "$d/secret" > "$q.route"
    else
      port=$(bench_port); sink_pid=$(bench_sink "$port")
      printf 'mail_host = 127.0.0.1:%s\n' "$port" > "$q.route"
    fi
    conf=$(bench_conf "$q" "query_routes.r = \"$q.route\"")
    { printf 'From: u\nSubject: bench\n\n'; i=0; while [ $i -lt 26 ]; do printf '%072d\n' 0; i=$((i + 1)); done; } |
      "$MASQ_HOME/bin/masq-inject" -C "$conf" -odq -f u r0@far.example
    bench_fill_queue "$q/spool/queue" 1000
    sync
    s=$(now_ms); "$MASQ_HOME/bin/masq-deliver" -C "$conf" --route r; e=$(now_ms)
    [ $kind = plain ] && { kill "$sink_pid" 2>/dev/null; wait "$sink_pid" 2>/dev/null || true; }
    sent=$(grep -c ' => ' "$q/log/masq.log" || true)
    eval "${kind}_rate=$(( 1000000 / (e - s) )) ${kind}_ms=$(( e - s )) ${kind}_sent=$sent"
  done
  logins=$(grep 'Login: user=<bench>, method=SCRAM-SHA-256' "$d/dovecot/dovecot.log" | grep -c TLS || true)
  kill "$dv_pid" 2>/dev/null; wait "$dv_pid" 2>/dev/null || true
  kill "$relay_pid" 2>/dev/null; wait "$relay_pid" 2>/dev/null || true
  echo "| masq-deliver --route over STARTTLS + AUTH SCRAM-SHA-256 to Dovecot (relaying to smtp-sink), 1,000 queued 2 KB msgs, one run | $scram_rate msgs/s | $scram_ms ms incl. JVM start; $scram_sent delivered; $logins Dovecot login(s) for the run |"
  echo "| the same to Dovecot with SCRAM-SHA-256 but without TLS, same run | $clear_rate msgs/s | $clear_ms ms incl. JVM start; $clear_sent delivered (what TLS costs against the same peer) |"
  echo "| the same queue over a plain route to smtp-sink, same run | $plain_rate msgs/s | $plain_ms ms incl. JVM start; $plain_sent delivered |"
}
auth_bench
