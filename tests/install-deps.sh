#!/bin/sh
# Installs the Debian packages the tests and benchmarks use as real peers, when missing.
# CI runs as root on a fresh machine; a developer without root gets a clear message instead.
set -eu
need=
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in postfix swaks socat openssl dnsmasq-base python3-aiosmtpd mutt procmail bsd-mailx git-email libmailtools-perl \
         faketime libnet-ssleay-perl hyperfine maven util-linux man-db libpython3.11-testsuite spin gcc lintian \
         python3-prometheus-client; do
  have_pkg "$p" || need="$need $p"
done
# python3-prometheus-client: the Prometheus client library's parser reads status --prometheus
# (QueueStatusTest)
# lintian: the Debian package's checker (DebPackageTest)
# spin and gcc: the model checker of spool-model.pml (SpoolModelTest) and the C compiler of its
# verifier
# libpython3.11-testsuite: the test messages of Python's email package, a corpus of real mail
# (RealMailTest) that matches Debian 12's /usr/bin/python3
# Dovecot's submission server, the peer of the AUTH tests (SCRAM-SHA-256, XOAUTH2,
# OAUTHBEARER); the tests run it from a private configuration, never the system's service
for p in dovecot-core dovecot-submissiond; do have_pkg "$p" || need="$need $p"; done
[ -x /usr/bin/python3 ] || need="$need python3"
if [ -z "$need" ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "tests/install-deps.sh: missing Debian packages:$need (run as root or apt-get install them)" >&2
  exit 1
fi
echo "tests/install-deps.sh: installing$need" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# postfix asks questions unless told not to; its daemon is never started by the tests
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get install -y -qq --no-install-recommends $need >/dev/null
