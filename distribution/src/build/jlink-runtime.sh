#!/usr/bin/env bash
# Packaging step: the tarball's own Java runtime (DIST_HOME/runtime), made by jlink from the JDK
# that runs the build, with only the modules MODULES names (see runtime.modules in
# distribution/pom.xml for why each is there). bin/promethium runs it unless PROMETHIUM_JAVA says
# otherwise. The release file is the build JDK's (its build and vendor, which name the runtime the
# class-data archives are made for), with MODULES as jlink writes it.
# Usage: jlink-runtime.sh JAVA_HOME DIST_HOME MODULES [SKIP]   (SKIP=true: no runtime, as -Druntime.skip=true)
set -euo pipefail
jdk="$1" home="$2" modules="$3"
rm -rf "$home/runtime"
if [ "${4:-false}" = true ]; then
  echo "jlink-runtime: skipped (-Druntime.skip=true): bin/promethium will look for a Java 21+ on the machine"
  exit 0
fi
if [ ! -x "$jdk/bin/jlink" ]; then
  echo "jlink-runtime: $jdk has no bin/jlink; build with a full JDK 21+ (or -Druntime.skip=true)" >&2
  exit 1
fi
start=$SECONDS
# --strip-debug, no headers or man pages: a server runtime, not a development kit. Not compressed
# (--compress): the tarball's gzip compresses the modules file about as well, and classes read
# from an uncompressed image need no inflating at start.
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --release-info "$jdk/release" --output "$home/runtime"
# jlink leaves the legal notices read-only (0444); installed files are 0644 (lintian, tar extraction).
chmod -R u+w "$home/runtime"
echo "jlink-runtime: runtime/ ($(du -sk "$home/runtime" | cut -f1) KiB, $((SECONDS - start)) s) for $(uname -s)-$(uname -m): $modules"
