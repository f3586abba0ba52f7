# Sourced by bin/promethium and the developer scripts: finds a Java of at least the wanted
# feature version, trying JAVA_HOME, then PATH, then the usual JVM folders (newest first).
# Prints the java executable's path, or explains what is missing and returns 1.

# A value of the JDK's `release` file (next to bin/): read instead of starting a JVM to ask.
promethium_java_release() {
  local bin file
  bin="$(readlink -f "$1" 2>/dev/null || echo "$1")"
  file="$(dirname "$(dirname "$bin")")/release"
  [ -r "$file" ] && sed -n "s/^$2=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$file" | head -n 1
}

promethium_java_version() {
  local version
  version="$(promethium_java_release "$1" JAVA_VERSION)"
  if [ -z "$version" ]; then
    version="$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
  fi
  echo "$version" | awk -F. '{ if ($1 == "1") print $2; else print $1 }'
}

# The exact build of a JDK (a class-data-sharing archive fits only the build that made it), or
# nothing when its release file does not say.
promethium_java_build() {
  local runtime implementor
  runtime="$(promethium_java_release "$1" JAVA_RUNTIME_VERSION)"
  implementor="$(promethium_java_release "$1" IMPLEMENTOR)"
  [ -n "$runtime" ] && echo "$runtime $implementor $(uname -m)"
}

promethium_find_java() {
  local want="${1:-21}" candidate version
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  # Newest JDK first among the usual folders (Debian/Ubuntu, RHEL, SDKMAN, macOS).
  while IFS= read -r candidate; do
    candidates+=("$candidate")
  done < <(ls -d /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/jdk*/bin/java \
             "$HOME"/.sdkman/candidates/java/*/bin/java \
             /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java 2>/dev/null | sort -V -r)
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    version="$(promethium_java_version "$candidate")"
    if [ -n "$version" ] && [ "$version" -ge "$want" ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "promethium: needs Java $want or newer; none found in JAVA_HOME, PATH or /usr/lib/jvm." >&2
  echo "promethium: install a JDK $want+ (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME." >&2
  return 1
}
