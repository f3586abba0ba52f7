#!/usr/bin/env bash
# Sourced by bin/promethium and the developer scripts: finds a Java of at least the wanted
# feature version, trying JAVA_HOME, then PATH, then the usual JVM folders (newest first).
# Bash built-ins only on the usual path: every process started here (each one 1-5 ms, far more
# on a loaded machine) added to the start-up of every command, `check config` included.

# Reads the JDK's `release` file (next to bin/) instead of starting a JVM to ask. Sets
# JAVA_RELEASE_VERSION, JAVA_RELEASE_RUNTIME and JAVA_RELEASE_IMPLEMENTOR (empty when not said).
promethium_read_release() {
  local bin="$1" line value file
  JAVA_RELEASE_VERSION="" JAVA_RELEASE_RUNTIME="" JAVA_RELEASE_IMPLEMENTOR=""
  if [ -L "$bin" ]; then
    bin="$(readlink -f "$bin" 2>/dev/null || echo "$bin")"
  fi
  bin="${bin%/*}"
  file="${bin%/*}/release"
  [ -r "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    value="${line#*=}"
    value="${value#\"}"
    value="${value%\"}"
    case "$line" in
      JAVA_VERSION=*) JAVA_RELEASE_VERSION="$value" ;;
      JAVA_RUNTIME_VERSION=*) JAVA_RELEASE_RUNTIME="$value" ;;
      IMPLEMENTOR=*) JAVA_RELEASE_IMPLEMENTOR="$value" ;;
    esac
  done < "$file"
}

# The feature version (17, 21, 25...) of a java executable, into JAVA_MAJOR; empty when unknown.
promethium_java_major() {
  local version
  promethium_read_release "$1"
  version="$JAVA_RELEASE_VERSION"
  if [ -z "$version" ]; then
    version="$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
  fi
  version="${version#1.}"
  JAVA_MAJOR="${version%%[!0-9]*}"
}

promethium_java_version() {
  promethium_java_major "$1"
  echo "$JAVA_MAJOR"
}

# The exact build of a JDK (a class-data-sharing archive fits only the build that made it), into
# JAVA_BUILD; empty when its release file does not say.
promethium_java_build_of() {
  promethium_read_release "$1"
  JAVA_BUILD=""
  if [ -n "$JAVA_RELEASE_RUNTIME" ]; then
    JAVA_BUILD="$JAVA_RELEASE_RUNTIME $JAVA_RELEASE_IMPLEMENTOR ${HOSTTYPE:-$(uname -m)}"
  fi
}

promethium_java_build() {
  promethium_java_build_of "$1"
  [ -n "$JAVA_BUILD" ] && echo "$JAVA_BUILD"
}

# Sets JAVA to the first java of at least the wanted version (and JAVA_MAJOR to its version), or
# explains what is missing and returns 1.
promethium_locate_java() {
  local want="${1:-21}" candidate
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  candidate="$(type -P java 2>/dev/null || true)"
  [ -n "$candidate" ] && candidates+=("$candidate")
  for candidate in "${candidates[@]}"; do
    if [ -x "$candidate" ]; then
      promethium_java_major "$candidate"
      if [ -n "$JAVA_MAJOR" ] && [ "$JAVA_MAJOR" -ge "$want" ] 2>/dev/null; then
        JAVA="$candidate"
        return 0
      fi
    fi
  done
  # Newest JDK first among the usual folders (Debian/Ubuntu, RHEL, SDKMAN, macOS).
  while IFS= read -r candidate; do
    [ -x "$candidate" ] || continue
    promethium_java_major "$candidate"
    if [ -n "$JAVA_MAJOR" ] && [ "$JAVA_MAJOR" -ge "$want" ] 2>/dev/null; then
      JAVA="$candidate"
      return 0
    fi
  done < <(ls -d /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/jdk*/bin/java \
             "${HOME:-/nonexistent}"/.sdkman/candidates/java/*/bin/java \
             /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java 2>/dev/null | sort -V -r)
  echo "promethium: needs Java $want or newer; none found in JAVA_HOME, PATH or /usr/lib/jvm." >&2
  echo "promethium: install a JDK $want+ (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME." >&2
  return 1
}

# Prints the java executable's path (see promethium_locate_java).
promethium_find_java() {
  local JAVA JAVA_MAJOR
  promethium_locate_java "$@" || return 1
  echo "$JAVA"
}

# The Java bin/promethium runs, into JAVA and JAVA_MAJOR (and JAVA_BUNDLED=yes for the install's
# own runtime): PROMETHIUM_JAVA when set (a java executable, a Java home, or `auto` to search
# JAVA_HOME, PATH and the usual folders as promethium_locate_java does), else the runtime the
# tarball carries (HOME/runtime), else (a tarball built without one) the search.
promethium_select_java() {
  local home="$1" want="${2:-21}" given="${PROMETHIUM_JAVA:-}"
  JAVA_BUNDLED=""
  if [ -z "$given" ] && [ -x "$home/runtime/bin/java" ]; then
    JAVA="$home/runtime/bin/java"
    JAVA_BUNDLED=yes
    promethium_java_major "$JAVA"
    return 0
  fi
  if [ -z "$given" ] || [ "$given" = auto ]; then
    promethium_locate_java "$want"
    return
  fi
  if [ -d "$given" ]; then
    given="$given/bin/java"
  fi
  if [ ! -x "$given" ]; then
    echo "promethium: PROMETHIUM_JAVA=$PROMETHIUM_JAVA is neither a java executable nor a Java home (one with bin/java)." >&2
    return 1
  fi
  promethium_java_major "$given"
  if [ -z "$JAVA_MAJOR" ] || ! [ "$JAVA_MAJOR" -ge "$want" ] 2>/dev/null; then
    echo "promethium: PROMETHIUM_JAVA=$PROMETHIUM_JAVA is Java ${JAVA_MAJOR:-of unknown version}; Java $want or newer is needed." >&2
    return 1
  fi
  JAVA="$given"
}
