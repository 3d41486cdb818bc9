#!/bin/sh
# make demo, local delivery: called by run.sh with the demo's masq.conf as $1, after mail was
# queued. Delivers the local mail into a Maildir and mboxes and shows them.
set -eu
conf=$1
top=$(cd "$(dirname "$0")/../.." && pwd -P)
bin=$top/bin
demo=$(cd "$(dirname "$conf")" && pwd -P)
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

grep -q '^maildir_users' "$conf" || cat "$top/examples/demo/deliver.conf" >> "$conf"
cp "$top/examples/demo/aliases" "$demo/aliases"

say "4. what a queue run would do (masq-deliver --dry-run): local mail is delivered, the rest waits"
"$bin/masq-deliver" -C "$conf" --dry-run
say "5. the queue run (masq-deliver -v)"
"$bin/masq-deliver" -C "$conf" -v
say "6. masq-inject delivers local mail at once: a message to the alias 'team'"
printf 'Subject: lunch\n\nPizza at noon?\n' | "$bin/masq-inject" -C "$conf" -f carol team
say "7. mail to a broken alias (a loop) bounces back to its sender as a DSN"
printf 'Subject: are you there?\n\nhello\n' | "$bin/masq-inject" -C "$conf" -f carol loop

say "the mailboxes"
(cd "$demo" && find mail -type f | sort)
if [ -x /usr/bin/python3 ]; then
  /usr/bin/python3 - "$demo/mail" <<'PY'
import mailbox, os, sys
root = sys.argv[1]
for name in sorted(os.listdir(root)):
    path = os.path.join(root, name)
    if os.path.isdir(path):
        box, kind = mailbox.Maildir(path, factory=None, create=False), "Maildir"
    elif not name.endswith(".lock"):
        box, kind = mailbox.mbox(path, create=False), "mbox"
    else:
        continue
    print("%s (%s), %d message(s):" % ("mail/" + name, kind, len(box)))
    for m in box:
        print("    %-28s %-22s %s" % (m["Envelope-to"], m["From"], m["Subject"]))
PY
fi
say "carol's mbox as it is on disk (From_ line, Envelope-to:, Return-path:)"
sed -n '1,12p' "$demo/mail/carol"
say "the queue now: only mail for the internet is left, waiting for a route"
"$bin/masq-queue" -C "$conf"
say "the delivery log"
grep -E ' (=>|==|\*\*) | Completed| bounce ' "$demo/log/masq.log" || true
