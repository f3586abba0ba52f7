#!/usr/bin/env bash
# Packaging step: stores the jars uncompressed, then makes the class-data-sharing archives of the tarball (lib/cds/<kind>.jsa) by
# running each command once the way users run it (bin/promethium with PROMETHIUM_CDS=dump), with
# the tarball's runtime (runtime/, made by jlink-runtime.sh; the JDK of the build when there is
# none), and records that runtime's build in lib/cds/jdk. bin/promethium uses an
# archive only with that very JDK build; with any other it falls back to making its own at the
# first run. A step that fails leaves its archive out (the fallback covers it), never the build.
# Usage: cds-train.sh DIST_HOME [SKIP]   (SKIP=true: no archives, as with -Dcds.skip=true)
set -uo pipefail
home="$1"
export JAVA_HOME="${JAVA_HOME:-}"
. "$home/bin/find-java.sh"
java="$(promethium_find_java 21)" || exit 0
# The bundles that embed jars stay off the tools' class path (see EmbeddingBundles.java); listed
# before any archive is made, since an archive holds the class path it was made with.
"$java" "$(dirname "$0")/EmbeddingBundles.java" "$home/bundles" "$home/lib/embedding-bundles" \
  || echo "cds-train: EmbeddingBundles failed: tools needing an embedded jar will fail" >&2
# What the shipped bundles and plugins declare (flags, features), so that one removed later is named
# when its flag or feature is given (see io.promethium.launcher.ShippedBundles).
"$java" -cp "$home/lib/promethium-launcher.jar" io.promethium.launcher.ShippedBundles "$home" \
  || echo "cds-train: ShippedBundles failed: a removed bundle's flag will be 'unknown'" >&2
# First, before any archive is made for them: the bundles' and plugins' jars with their entries
# stored, not deflated (see StoreJars.java: inflating class files was ~12% of the server's start).
"$java" "$(dirname "$0")/StoreJars.java" "$home/bundles" "$home/plugins" \
  || echo "cds-train: jars left compressed (StoreJars failed)" >&2
if [ "${2:-false}" = true ]; then
  rm -rf "$home/lib/cds"
  exit 0
fi
build="$(promethium_java_build "$java")"
if [ -x "$home/runtime/bin/java" ]; then
  # The archives are made against the tarball's own runtime (bin/promethium runs it when
  # PROMETHIUM_JAVA is unset) and named for it: a full JDK of the same build does not fit them.
  unset PROMETHIUM_JAVA
  build="$(promethium_java_build "$home/runtime/bin/java")"
  build="${build:+runtime $build}"
fi
if [ -z "$build" ]; then
  echo "cds-train: $java has no release file naming its build; no archives shipped" >&2
  exit 0
fi
rm -rf "$home/lib/cds"
mkdir -p "$home/lib/cds"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# One configuration for every run: the tools check it, the server runs it. The server scrapes
# itself every second (its port is chosen here), so the trained start has a WAL to replay.
port=$((20000 + RANDOM % 20000))
cat > "$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels: {region: eu}
rule_files: [rules.yml]
scrape_configs:
  - job_name: self
    static_configs: [{targets: ['127.0.0.1:$port']}]
    relabel_configs: [{source_labels: [__address__], target_label: host}]
  - job_name: files
    file_sd_configs: [{files: [targets.json]}]
alerting:
  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:2']}]}]
YML
echo '[{"targets": ["127.0.0.1:3"], "labels": {"env": "train"}}]' > "$work/targets.json"
cat > "$work/rules.yml" <<'YML'
groups:
  - name: train
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Down
        expr: up == 0
        for: 1m
        labels: {severity: page}
        annotations: {summary: '{{ $labels.instance }} of {{ $labels.job }} is down ({{ $value | humanize }})'}
YML
cat > "$work/tests.yml" <<'YML'
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'up{job="a", instance="x"}'
        values: '0x5'
    alert_rule_test:
      - eval_time: 3m
        alertname: Down
        exp_alerts:
          - exp_labels: {severity: page, job: a, instance: x}
            exp_annotations: {summary: 'x of a is down (0)'}
    promql_expr_test:
      - expr: job:up:sum
        eval_time: 2m
        exp_samples: [{labels: 'job:up:sum{job="a"}', value: 0}]
YML
report() { # KIND LOG OK: names the archive made for KIND, or (OK empty or no archive) says why
  local kind="$1" log="$2" ok="$3" archive="" ext # there is none and removes any part of one
  for ext in aot jsa; do # bin/promethium writes an AOT cache on Java 25+, a dynamic archive before
    [ -s "$home/lib/cds/$kind.$ext" ] && archive="$home/lib/cds/$kind.$ext"
  done
  if [ -n "$ok" ] && [ -n "$archive" ]; then
    echo "cds-train: lib/cds/${archive##*/} ($(du -k "$archive" | cut -f1) KiB)"
  else
    echo "cds-train: no archive for '$kind' (the first run will make one):" >&2
    tail -n 5 "$log" >&2
    rm -f "$home/lib/cds/$kind".jsa "$home/lib/cds/$kind".aot
  fi
}
run() { # kind, then the command's arguments
  local kind="$1" ok=""
  shift
  PROMETHIUM_CDS=dump "$home/bin/promethium" "$@" >"$work/$kind.log" 2>&1 && ok=yes
  report "$kind" "$work/$kind.log" "$ok"
}
run check check config "$work/prometheus.yml"
run test test rules "$work/tests.yml"
mkdir -p "$work/tsdb"
run tsdb tsdb list "$work/tsdb"

# The server, trained on what the measured start does (distribution/bench/startup): a first run
# scrapes itself every second for a few seconds, so its data folder holds a WAL; the trained run
# then starts on a fresh data folder holding a copy of that WAL (pushed series too, see below) (a fresh bundle cache and a WAL
# replay, both in one run), and once ready answers the first requests (queries, the status, target
# and rule APIs, the UI, /metrics) before it is stopped (SIGTERM); the AOT
# cache (or dynamic archive) is written at exit, with the classes and method profiles of all of it.
http_get() { # PATH: one request to the server, answer discarded (bash only: no curl needed)
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
  cat <&3 >/dev/null
  exec 3<&-
}
server() { # DATA LOG [cds mode [flags...]]: starts the server in the background, sets pid
  local data="$1" log="$2" mode="${3:-off}"
  shift $(($# < 3 ? $# : 3))
  PROMETHIUM_CDS="$mode" "$home/bin/promethium" --config.file="$work/prometheus.yml" \
    --web.listen-address="127.0.0.1:$port" --storage.tsdb.path="$data" --alertmanager.storage.path="$data-am" --plugins.cache-dir="$data-cache" "$@" \
    >"$log" 2>&1 &
  pid=$!
}
wait_ready() { # LOG: whether the server said it is ready within 2 minutes
  for _ in $(seq 1 1200); do
    if grep -q 'Server is ready' "$1"; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
push_node_series() { # ROUND: 20 hosts x 1,000 node_exporter-like series to the push endpoint, values moving per round
  local host
  for host in $(seq 1 20); do
    awk -v r="$1" -v h="$host" 'BEGIN {
      split("idle iowait irq nice softirq steal system user", modes, " ")
      for (c = 0; c < 64; c++) for (m = 1; m <= 8; m++)
        printf "node_cpu_seconds_total{cpu=\"%d\",mode=\"%s\"} %.2f\n", c, modes[m], (h * 1000 + c * 10 + m) * 3.7 + r * m * 0.13
      for (d = 0; d < 32; d++) {
        printf "node_network_receive_bytes_total{device=\"eth%d\"} %.0f\n", d, (h + d) * 1048576 + r * 4096 * (d + 1)
        printf "node_network_transmit_bytes_total{device=\"eth%d\"} %.0f\n", d, (h + d) * 524288 + r * 2048 * (d + 1)
        printf "node_network_receive_packets_total{device=\"eth%d\"} %.0f\n", d, (h + d) * 1024 + r * 3 * (d + 1)
        printf "node_network_transmit_packets_total{device=\"eth%d\"} %.0f\n", d, (h + d) * 512 + r * 2 * (d + 1)
      }
      for (f = 0; f < 120; f++) {
        printf "node_filesystem_size_bytes{device=\"sd%d\",mountpoint=\"/mnt/%d\"} %.0f\n", f, f, 1073741824 * (f + 1)
        printf "node_filesystem_avail_bytes{device=\"sd%d\",mountpoint=\"/mnt/%d\"} %.0f\n", f, f, 536870912 * (f + 1) - r * 4096 * (f % 7)
        printf "node_filesystem_files_free{device=\"sd%d\",mountpoint=\"/mnt/%d\"} %.0f\n", f, f, 65536 * (f + 1) - r * (f % 5)
      }
    }' | curl -sf -X PUT --data-binary @- "http://127.0.0.1:$port/metrics/job/node/instance/host-$host" >/dev/null || return 1
  done
}
ready=""
# The trained start replays a WAL of many series, not only the few the self-scrape logs: the AOT
# cache then holds the method profiles of a replay's decoding and applying loops, and a restart's
# JIT starts from them (a restart at 102k series spent ~40% of its CPU compiling). So the first run
# also receives 20,000 node_exporter-like series on its push endpoint, appended every second for
# ten seconds; without curl it trains on the self-scrape's WAL alone.
server "$work/fill" "$work/fill.log" off --push.storage.interval=1s
if wait_ready "$work/fill.log"; then
  if command -v curl >/dev/null 2>&1; then
    for round in $(seq 1 10); do
      push_node_series "$round" || { echo "cds-train: pushing the training series failed; training on the self-scrape's WAL" >&2; break; }
      sleep 1
    done
  else
    sleep 4 # a few scrapes of itself into the WAL
  fi
fi
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
mkdir -p "$work/data"
cp -r "$work/fill/wal" "$work/data/wal" 2>/dev/null
server "$work/data" "$work/server.log" dump
if wait_ready "$work/server.log"; then
  ready=yes
  for path in '/-/ready' '/api/v1/query?query=up' '/api/v1/query?query=sum%20by%20(job)%20(rate(scrape_samples_scraped%5B1m%5D))' \
      '/api/v1/query_range?query=up&start=0&end=60&step=15' '/api/v1/labels' '/api/v1/label/__name__/values' \
      '/api/v1/series?match%5B%5D=up' '/api/v1/targets' '/api/v1/rules' '/api/v1/alerts' '/api/v1/status/buildinfo' \
      '/api/v1/metadata' '/metrics' '/graph' '/-/healthy'; do
    http_get "$path" || ready=""
  done
  # Then a dashboard's requests, a few thousand of them: the AOT cache keeps the method profiles
  # of the training run (JDK 25+), so the query path is compiled after far fewer requests of a
  # real server (SmallQuery: server CPU per vector(1) after 3,000 requests 0.48 -> 0.27 ms).
  if [ -n "$ready" ] && command -v curl >/dev/null 2>&1; then
    base="http://127.0.0.1:$port/api/v1"
    for _ in $(seq 1 500); do
      for path in 'query?query=vector(1)' 'query?query=no_such_metric' 'query?query=avg_over_time(up%5B2m%5D)' \
        'query?query=sum%20by%20(job)%20(rate(up%5B1m%5D))' 'query?query=topk(5%2Crate(up%5B1m%5D))' \
        'query_range?query=rate(up%5B1m%5D)&start=0&end=3600&step=60' 'labels' 'label/job/values' 'series?match%5B%5D=up'; do
        printf 'url = "%s/%s"\noutput = "/dev/null"\n' "$base" "$path"
      done
    done > "$work/requests"
    if curl -s -K "$work/requests"; then
      echo "cds-train: server trained on $(grep -c "^url" "$work/requests") API requests"
    else
      echo "cds-train: training requests failed (the archive is made all the same)" >&2
    fi
  fi
fi
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
report server "$work/server.log" "$ready"
echo "$build" > "$home/lib/cds/jdk"
