#!/bin/sh
# The start-up cost of a library, as README's Dependencies table gives it: the median wall time
# of 31 runs of a tiny program with the short commands' JVM flags and no start-up cache.
# `sh tests/bench/depcost/run.sh` (after `make`, which puts the jars in build/).
set -eu
here=$(cd "$(dirname "$0")" && pwd -P)
home=$(cd "$here/../../.." && pwd -P)
. "$home/bin/launch.sh"
jdk=$(masq_find_jdk)
cli=$home/build/commons-cli.jar
mime=$home/build/apache-mime4j-core.jar:$home/build/commons-io.jar
out=$(mktemp -d /tmp/masq-depcost.XXXXXX)
trap 'rm -rf "$out"' EXIT INT TERM
"$jdk/bin/javac" -XDsuppressNotes -d "$out" -cp "$cli:$mime" "$here/Plain.java" "$here/Cli.java" "$here/Mime.java"
flags="-Xlog:disable $MASQ_SHORT_FLAGS"
median() { # median wall time in ms of 31 runs of "$@"
  for i in $(seq 31); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 100000))
  done | sort -n | awk '{a[NR] = $1} END {printf "%.1f ms", a[16] / 10}'
}
args="-t -f john -i a@b.example c@d.example"
echo "java -version: $(median "$jdk/bin/java" $flags -version)"
echo "hand-written option loop: $(median "$jdk/bin/java" $flags -cp "$out" Plain $args)"
echo "Commons CLI DefaultParser: $(median "$jdk/bin/java" $flags -cp "$out:$cli" Cli $args)"
echo "Mime4j EncoderUtil, one encoded word: $(median "$jdk/bin/java" $flags -cp "$out:$mime" Mime)"
# the same two with a start-up cache each, as the commands run (an AOT cache takes jars only)
"$jdk/bin/jar" cf "$out/p.jar" -C "$out" Plain.class -C "$out" Cli.class
for p in Plain Cli; do
  "$jdk/bin/java" $flags -XX:AOTCacheOutput="$out/$p.aot" -cp "$out/p.jar:$cli" $p $args >/dev/null 2>&1
done
echo "hand-written option loop, AOT cache: $(median "$jdk/bin/java" $flags -XX:AOTCache="$out/Plain.aot" -cp "$out/p.jar:$cli" Plain $args)"
echo "Commons CLI DefaultParser, AOT cache: $(median "$jdk/bin/java" $flags -XX:AOTCache="$out/Cli.aot" -cp "$out/p.jar:$cli" Cli $args)"
