# launch.sh — sourced by every masq launcher (POSIX sh). Not a command.
#
# The launcher sets $main (the Java class) and $here (its own directory, links resolved);
# this file finds a JDK >= 21, the jars and the AOT cache, and execs the JVM. Without $main it
# only defines masq_find_jdk and MASQ_SHORT_FLAGS, which the Makefile uses, so both agree on the
# JDK and the flags.
#
# JDK: $JAVA_HOME if it is >= 21, else /usr/lib/jvm/temurin-25-jdk-amd64, else an error.
# Jars: $here/../lib/masq (an installed tree) or $here/../build (the source tree after make);
# masq_classpath lists them in the one order the AOT cache is trained and run with.
# The AOT cache is used only with the JDK that made it and only when newer than every jar.

masq_jdk_major() { # $1 = a JDK home; prints its feature version, or nothing
  [ -f "$1/release" ] && [ -x "$1/bin/java" ] || return 1
  while IFS= read -r line; do
    case $line in
      JAVA_VERSION=*)
        v=${line#JAVA_VERSION=}; v=${v#\"}; v=${v%%[.\"]*}
        echo "$v"; return 0 ;;
    esac
  done < "$1/release"
  return 1
}

MASQ_JARS="masq-lib.jar masq-tools.jar apache-mime4j-core.jar commons-io.jar commons-cli.jar"

# the JVM flags of the short-lived commands, in one place: the Makefile trains the start-up caches
# with them, and masq-deliver starts its hidden file-append program (masq.deliver.local.FileAppend)
# with them, from its environment (exported below; not on the command line, where ps shows it)
MASQ_SHORT_FLAGS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k"

masq_classpath() { # $1 = the directory of the jars; prints the class path, and leaves it in $cp
  cp=
  for j in $MASQ_JARS; do cp=${cp:+$cp:}$1/$j; done
  echo "$cp"
}

masq_find_jdk() { # prints the JDK home to use, or fails with a message
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -n "$d" ] || continue
    v=$(masq_jdk_major "$d") || continue
    case $v in ''|*[!0-9]*) continue ;; esac
    if [ "$v" -ge 21 ]; then echo "$d"; return 0; fi
  done
  echo "masq: no JDK 21 or newer: set JAVA_HOME to one (found none at \$JAVA_HOME or /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
  return 1
}

if [ -n "${main:-}" ]; then
  if [ -f "$here/../lib/masq/masq-tools.jar" ]; then
    lib=$here/../lib/masq
  else
    lib=$here/../build
  fi
  # launch.env (written by make / make install) holds absolute paths: MASQ_LIB and MASQ_JDK
  MASQ_LIB= MASQ_JDK=
  [ -f "$lib/launch.env" ] && . "$lib/launch.env"
  [ -n "$MASQ_LIB" ] && [ -f "$MASQ_LIB/masq-tools.jar" ] || MASQ_LIB=$lib
  if [ ! -f "$MASQ_LIB/masq-tools.jar" ]; then
    echo "${main##*.}: masq is not built: run make in the source tree (no $MASQ_LIB/masq-tools.jar)" >&2
    exit 69
  fi
  # $JAVA_HOME, when it is a JDK >= 21, wins over the one found at build time
  jdk=
  if [ -n "${JAVA_HOME:-}" ] && v=$(masq_jdk_major "$JAVA_HOME") && [ "$v" -ge 21 ] 2>/dev/null; then
    jdk=$JAVA_HOME
  elif [ -n "$MASQ_JDK" ] && [ -x "$MASQ_JDK/bin/java" ]; then
    jdk=$MASQ_JDK
  else
    jdk=$(masq_find_jdk) || exit 69
  fi
  masq_classpath "$MASQ_LIB" >/dev/null # sets $cp without a subshell (a fork per command)
  # a working directory that is gone (removed by another shell) stops the JVM before main: start
  # from / instead, with a relative -C FILE taken from the directory the user was in when that
  # path exists again, else refused (dash empties $PWD then, bash keeps the lost path: the path
  # is read from the environment the launcher was started with)
  case $PWD in /*) [ "$PWD" -ef . ] ;; *) false ;; esac || {
    masq_old=$(tr '\0' '\n' < /proc/$$/environ 2>/dev/null | sed -n 's/^PWD=//p')
    cd / || exit 71
    masq_opt= masq_end=
    for a do
      shift
      if [ -z "$masq_end" ]; then
        f=
        case $masq_opt$a in
          --) masq_end=yes ;;
          -C) masq_opt=-C; set -- "$@" "$a"; continue ;;
          -C/*) ;;
          -C?*) f=$masq_opt$a; f=${f#-C} ;;
        esac
        if [ -n "$f" ]; then
          if [ -n "$masq_old" ] && [ -e "$masq_old/$f" ]; then
            if [ -n "$masq_opt" ]; then a=$masq_old/$f; else a=-C$masq_old/$f; fi
          else
            echo "${0##*/}: -C $f: a relative name, but the working directory is gone: give the file as an absolute path" >&2
            exit 64
          fi
        fi
        masq_opt=
      fi
      set -- "$@" "$a"
    done
  }
  # jvm_flags (set by a launcher) replace the short-command flags and the start-up cache;
  # jvm_heap (set by a launcher) is added to either and keeps the cache
  set -- -Xlog:disable -Xlog:all=warning:stderr ${jvm_flags:-$MASQ_SHORT_FLAGS} ${jvm_heap:-} -cp "$cp" "$main" "$@"
  # a launcher may name a cache of its own (aot_name, e.g. masq-inject); else the shared one
  aot=$MASQ_LIB/${aot_name:-masq}.aot
  [ -f "$aot" ] || aot=$MASQ_LIB/masq.aot
  fresh=yes
  for j in $MASQ_JARS; do [ "$aot" -nt "$MASQ_LIB/$j" ] || fresh=; done
  if [ "$jdk" = "$MASQ_JDK" ] && [ -z "${jvm_flags:-}" ] && [ -n "$fresh" ]; then
    set -- -XX:AOTCache="$aot" "$@"
  fi
  export MASQ_SHORT_FLAGS
  exec "$jdk/bin/java" "$@"
fi
