# Sourced by the developer scripts: a JDK 21+ for Maven (the machine's default java may be
# older), found the same way the server's own launcher finds one.
DEV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../src/main/dist/bin/find-java.sh
. "$DEV_ROOT/distribution/src/main/dist/bin/find-java.sh"
JAVA_BIN="$(promethium_find_java 21)"
JAVA_HOME="$(cd "$(dirname "$JAVA_BIN")/.." && pwd)"
export JAVA_HOME
if ! command -v mvn >/dev/null 2>&1; then
  echo "promethium: Apache Maven (mvn) is needed to build; install it (e.g. apt-get install maven)." >&2
  exit 1
fi
