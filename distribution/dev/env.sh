# Sourced by the developer scripts: a JDK 21+ for Maven (the machine's default java may be
# older), found the same way the server's own launcher finds one.
DEV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../src/main/dist/bin/find-java.sh
. "$DEV_ROOT/distribution/src/main/dist/bin/find-java.sh"
JAVA_BIN="$(promethium_find_java 21)"
JAVA_HOME="$(cd "$(dirname "$JAVA_BIN")/.." && pwd)"
export JAVA_HOME
# Maven's bundled Guava touches sun.misc.Unsafe; JDK 24+ warns about it on every run.
if [ "$(promethium_java_version "$JAVA_BIN")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "promethium: Apache Maven (mvn) is needed to build; install it (e.g. apt-get install maven)." >&2
  exit 1
fi
