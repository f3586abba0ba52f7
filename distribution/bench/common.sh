# Sourced by the bench scripts (side-by-side, startup, blocks): the JDK, the installation to
# measure, and how to run a bench program. Sets DEV_ROOT and works from there.
. "$(dirname "${BASH_SOURCE[0]}")/../dev/env.sh"
cd "$DEV_ROOT"
# The bench programs are multi-file source programs (they share Proc.java): Java 22+.
BENCH_JAVA="$(promethium_find_java 22)" \
  || { echo "bench: a Java 22 or newer is needed to run the bench programs" >&2; exit 1; }

# bench_home FOLDER [MVN_FLAGS...]: sets BENCH_HOME to the installation to measure:
# $PROMETHIUM_HOME when set, else the tarball built from these sources (built again when a main
# source is newer) unpacked into FOLDER, which the caller removes.
bench_home() {
  local folder="$1" tarball
  shift
  if [ -n "${PROMETHIUM_HOME:-}" ]; then
    BENCH_HOME="$PROMETHIUM_HOME"
    return
  fi
  tarball="$(ls distribution/target/promethium-*.tar.gz 2>/dev/null | head -1 || true)"
  if [ -z "$tarball" ] || [ -n "$(find . -name '*.java' -path '*/src/main/*' -newer "$tarball" -print -quit)" ]; then
    mvn -B -q "$@" package -DskipTests
    tarball="$(ls distribution/target/promethium-*.tar.gz | head -1)"
  fi
  mkdir -p "$folder"
  tar xzf "$tarball" -C "$folder" --strip-components=1
  BENCH_HOME="$folder"
}

# bench_run PROGRAM [ARGS...]: runs distribution/bench/PROGRAM.java.
bench_run() {
  local program="$1"
  shift
  "$BENCH_JAVA" "distribution/bench/$program.java" "$@"
}
