#!/bin/sh
# make demo: masq's main job on an embedded default configuration, in ./demo/.
# Mail is written on the "laptop" while it is offline, and queued; local mail is delivered
# (deliver.sh); then the link comes up and the rest goes out over the provider's route
# (routes.sh).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd -P)
demo=$top/demo
rm -rf "$demo"
mkdir -p "$demo"
cp "$top/examples/demo/masq.conf" "$demo/masq.conf"
conf=$demo/masq.conf
bin=$top/bin
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "masq $("$bin/masq-inject" --version | sed 's/.*) //') — demo in $demo"
echo "configuration: $conf"

say "1. a mail client pipes a message into masq-inject (sendmail -t -i style)"
# shown on standard output, then piped in (not tee /dev/stderr: opening /dev/stderr again would
# truncate a file that `make demo > file 2>&1` writes to, and overwrite its start)
minutes='From: Ann <ann>\nTo: bob@example.org, carol\nBcc: boss@example.org\nSubject: minutes\n\nThe minutes are attached.\n'
# shellcheck disable=SC2059
printf "$minutes"
# shellcheck disable=SC2059
printf "$minutes" | "$bin/masq-inject" -C "$conf" -odq -t -i
say "2. cron mails its output to the local user"
printf 'Subject: cron: backup done\n\n3 files, 12 MB\n' | "$bin/masq-inject" -C "$conf" -odq ann
say "3. a script sends with an explicit return path and full name"
printf 'Subject: report\n\nall good\n' | "$bin/masq-inject" -C "$conf" -odq -f reports -F "Report Robot" dave@example.net

say "the queue (masq-queue, like mailq)"
"$bin/masq-queue" -C "$conf"
first=$("$bin/masq-queue" -C "$conf" list --json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)
say "one message in detail (masq-queue show $first): Bcc: is gone, From/Date/Message-ID added"
"$bin/masq-queue" -C "$conf" show "$first"
say "the log"
cat "$demo/log/masq.log"
say "spool check"
"$bin/masq-queue" -C "$conf" check

if [ -f "$top/examples/demo/deliver.sh" ]; then
  sh "$top/examples/demo/deliver.sh" "$conf"
fi
if [ -f "$top/examples/demo/routes.sh" ]; then
  sh "$top/examples/demo/routes.sh" "$conf"
fi
