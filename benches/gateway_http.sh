#!/usr/bin/env bash
# Loopback HTTP benchmark, run by hand (never in CI): `gatewise gateway serve` as shipped against
# nginx and bare hyper, with wrk, in one run on this machine. Every server listens on 127.0.0.1
# only; every run is bounded. Method and results: benches/README.md.
#
#   bash benches/gateway_http.sh                 # 7 rounds x 5 s per target
#   ROUNDS=3 DURATION=3s bash benches/gateway_http.sh
#   INSTR=1 bash benches/gateway_http.sh         # also count user-space instructions (valgrind)
#   GATEWISE_BIN=path/to/gatewise …              # measure another build of the binary
#   TARGETS="gatewise nginx" …                   # a subset of the targets
#
# Targets (all GET /dev/pets with x-api-key, body {"pets":[]}):
#   bare                 hyper 1 on a single-threaded tokio runtime, no gateway, no log
#   gatewise             `gatewise gateway serve --api FILE` (the dist build, as shipped): a keyed,
#                        throttled MOCK route, limits too high to trigger, its access log (stdout)
#                        written to a file
#   nginx                the same endpoint: if ($http_x_api_key != KEY) 403; limit_req (huge
#                        rate); return 200 with the body; its access log written to a file
#   gatewise-realistic   same route, usage plan 1000 rps / burst 2000 (most answers are 429)
#   nginx-realistic      same with limit_req rate=1000r/s burst=2000 nodelay, the same JSON 429 body
#
# How: on a machine with two or more cores every server runs on CPU 1 and wrk (one thread) on
# CPU 0, so neither steals the other's core and each server is measured at saturation. Each
# round runs every target once, in turn, so slow periods of a shared machine hit all of them;
# ratios are taken within a round and the median of the rounds is reported. Server CPU time
# per request is read from /proc. Both logs are buffered the same way: gatewise flushes its
# log at least every 100 ms, and nginx gets `buffer=64k flush=100ms`. nginx also gets one
# worker, `return` from a named location (a plain `return` would run before limit_req), and the
# missing try_files file cached so no request touches the disk.
set -euo pipefail

DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-7}
CONNS=${CONNS:-16}
KEY=bench-key-0123456789abcdef
BODY='{"pets":[]}'
read -r -a TARGETS <<<"${TARGETS:-bare gatewise nginx gatewise-realistic nginx-realistic}"
cd "$(dirname "$0")/.."

need_install=()
command -v wrk >/dev/null || need_install+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_install+=(nginx-light)
[ "${INSTR:-0}" = 1 ] && ! command -v valgrind >/dev/null && need_install+=(valgrind)
if [ ${#need_install[@]} -gt 0 ]; then
  echo "installing ${need_install[*]} (Debian packages)…"
  # Keep the package's service from starting on port 80: a policy-rc.d that forbids starts,
  # only for the install and only if none exists.
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
  [ "$policy_added" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  SERVER_CPU=(taskset -c 1)
  LOAD_CPU=(taskset -c 0)
  PINNING="servers on CPU 1, wrk on CPU 0"
else
  SERVER_CPU=()
  LOAD_CPU=()
  PINNING="not pinned (one core or no taskset): servers and wrk share the cores"
fi

wants() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }

TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [ -z "${GATEWISE_BIN:-}" ]; then
  echo "building gatewise as shipped (cargo build --profile dist: fat LTO, one codegen unit)…"
  cargo build --profile dist --bin gatewise
  GATEWISE_BIN="$TARGET_DIR/dist/gatewise"
fi
[ -x "$GATEWISE_BIN" ] || { echo "gatewise binary not found: $GATEWISE_BIN" >&2; exit 1; }
BARE_BIN=
if wants bare; then
  echo "building the bare hyper server (same profile)…"
  BARE_BIN=$(cargo bench --profile dist --bench gateway_http --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -1)
  [ -x "$BARE_BIN" ] || { echo "bench binary not found" >&2; exit 1; }
fi

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
  for _ in $(seq 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "nothing listening on $1" >&2; return 1
}

api_json() { # $1 file, $2 usage-plan rate, $3 burst
  cat >"$1" <<EOF
{
  "name": "bench", "type": "REST",
  "stages": [{ "name": "dev", "throttle": { "rateLimit": 1000000, "burstLimit": 1000000 } }],
  "routes": [{ "method": "GET", "path": "/pets", "apiKeyRequired": true,
               "integration": { "type": "MOCK",
                 "requestTemplates": { "application/json": "{\"statusCode\": 200}" },
                 "responses": [{ "statusCode": 200, "responseTemplates": { "application/json": "{\"pets\":[]}" } }] } }],
  "usagePlans": [{ "name": "P", "stages": ["dev"], "apiKeys": ["k"],
                   "throttle": { "rateLimit": $2, "burstLimit": $3 } }],
  "apiKeys": [{ "name": "k", "value": "$KEY" }],
  "account": { "throttle": { "rateLimit": 1000000, "burstLimit": 1000000 } }
}
EOF
}

nginx_conf() { # $1 dir, $2 port, $3 rate, $4 burst
  mkdir -p "$1/logs"
  cat >"$1/nginx.conf" <<EOF
worker_processes 1;
pid $1/nginx.pid;
error_log $1/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log $1/logs/access.log combined buffer=64k flush=100ms;
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  open_file_cache_errors on;
  limit_req_zone \$http_x_api_key zone=keys:1m rate=$3r/s;
  limit_req_status 429;
  server {
    listen 127.0.0.1:$2;
    location = /dev/pets {
      if (\$http_x_api_key != "$KEY") { return 403 '{"message":"Forbidden"}'; }
      limit_req zone=keys burst=$4 nodelay;
      error_page 429 = @throttled;
      try_files /nonexistent-$2 @ok;
    }
    location @ok { default_type application/json; return 200 '$BODY'; }
    location @throttled { default_type application/json; return 429 '{"message":"Too Many Requests"}'; }
  }
}
EOF
}

# The command line that serves target $1 on port $2 in directory $3 (gatewise's log is its
# stdout; nginx writes its own); $4 is nginx's global directives.
server_cmd() {
  local t=$1 port=$2 dir=$3 globals=${4:-daemon off;}
  mkdir -p "$dir"
  case "$t" in
    bare) CMD=("$BARE_BIN" bare "$port") ;;
    gatewise | gatewise-realistic)
      if [ "$t" = gatewise ]; then api_json "$dir/api.json" 1000000 1000000; else api_json "$dir/api.json" 1000 2000; fi
      CMD=("$GATEWISE_BIN" gateway serve --api "$dir/api.json" --port "$port") ;;
    nginx | nginx-realistic)
      if [ "$t" = nginx ]; then nginx_conf "$dir" "$port" 1000000 1000000; else nginx_conf "$dir" "$port" 1000 2000; fi
      CMD=("$NGINX" -p "$dir" -c "$dir/nginx.conf" -g "$globals") ;;
  esac
}

declare -A PORT CPU_PID
start() { # target: starts its server, sets PORT[target] and CPU_PID[target] (the process to clock)
  local t=$1 port dir="$WORK/$1"
  port=$(free_port)
  PORT[$t]=$port
  server_cmd "$t" "$port" "$dir"
  # gatewise's access log is its stdout; nginx writes its own.
  "${SERVER_CPU[@]}" "${CMD[@]}" >"$dir/access.log" & PIDS+=($!)
  wait_port "$port"
  case "$t" in
    nginx*) CPU_PID[$t]=$(pgrep -P "${PIDS[-1]}" | head -1) ;;
    *) CPU_PID[$t]=${PIDS[-1]} ;;
  esac
  local url="http://127.0.0.1:$port/dev/pets"
  # Sanity: the key check is really there, the route answers with the body, the log is written.
  if [ "$t" != bare ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" != 403 ]; then
    echo "$t: a request without the key is not 403" >&2; exit 1
  fi
  [ "$(curl -s -H "x-api-key: $KEY" "$url")" = "$BODY" ] || { echo "$t: wrong body" >&2; exit 1; }
  if [ "$t" != bare ]; then
    sleep 0.3
    local log="$dir/access.log"
    [ -f "$dir/logs/access.log" ] && log="$dir/logs/access.log"
    grep -q 'GET /' "$log" || { echo "$t: no access-log line in $log" >&2; exit 1; }
  fi
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

to_ms() { # wrk latency like 85.00us / 1.20ms / 2.00s -> ms
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'
}

for t in "${TARGETS[@]}"; do start "$t"; done
TICK=$(getconf CLK_TCK)
RESULTS="$WORK/results"
: >"$RESULTS"
for round in $(seq "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do
    url="http://127.0.0.1:${PORT[$t]}/dev/pets"
    "${LOAD_CPU[@]}" wrk -t1 -c"$CONNS" -d1s -H "x-api-key: $KEY" "$url" >/dev/null # warm-up
    c0=$(cpu_ticks "${CPU_PID[$t]}")
    out=$("${LOAD_CPU[@]}" wrk -t1 -c"$CONNS" -d"$DURATION" --latency -H "x-api-key: $KEY" "$url")
    c1=$(cpu_ticks "${CPU_PID[$t]}")
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
    total=$(awk '/requests in/ { print $1 }' <<<"$out")
    cpu_us=$(awk -v a="$c0" -v b="$c1" -v t="$TICK" -v n="$total" 'BEGIN { printf "%.2f", (b - a) / t * 1e6 / n }')
    echo "$round $t $rps $p50 $p99 ${non2xx:-0} $total $cpu_us" >>"$RESULTS"
    printf 'round %s  %-19s %10s req/s  p50 %s ms  p99 %s ms  %s µs CPU/request  non-2xx %s of %s\n' \
      "$round" "$t" "$rps" "$p50" "$p99" "$cpu_us" "${non2xx:-0}" "$total"
  done
done

echo
echo "Machine: $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
echo "Load: wrk $(wrk -v 2>&1 | awk 'NR==1 { print $2 }') -t1 -c$CONNS -d$DURATION --latency, keep-alive; $PINNING; median of $ROUNDS rounds"
echo "nginx: $("$NGINX" -v 2>&1 | sed 's/.*version: //'); gatewise: $GATEWISE_BIN"
echo
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v t="$1" -v c="$2" '$2 == t { print $c }' "$RESULTS" | median; }
printf '| %-19s | %9s | %8s | %8s | %14s | %9s |\n' target "req/s" "p50 ms" "p99 ms" "CPU µs/request" "429 share"
printf '|%s|%s|%s|%s|%s|%s|\n' "---------------------" "-----------" "----------" "----------" "----------------" "-----------"
for t in "${TARGETS[@]}"; do
  share=$(awk -v t="$t" '$2 == t { print 100 * $6 / ($7 > 0 ? $7 : 1) }' "$RESULTS" | median)
  printf '| %-19s | %9.0f | %8.3f | %8.3f | %14.2f | %8.1f%% |\n' "$t" "$(col "$t" 3)" "$(col "$t" 4)" "$(col "$t" 5)" "$(col "$t" 8)" "$share"
done
# Per-round ratios (both sides measured back to back), then their median and range.
ratios() { # $1 $2 column: value($1)/value($2) per round
  join <(awk -v t="$1" -v c="$3" '$2 == t { print $1, $c }' "$RESULTS" | sort) \
       <(awk -v t="$2" -v c="$3" '$2 == t { print $1, $c }' "$RESULTS" | sort) | awk '{ print $2 / $3 }'
}
report() { # $1 $2 label
  wants "$1" && wants "$2" || return 0
  local r c
  r=$(ratios "$1" "$2" 3 | median)
  c=$(ratios "$1" "$2" 8 | median)
  range=$(ratios "$1" "$2" 3 | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f–%.2f", lo, hi }')
  awk -v r="$r" -v c="$c" -v g="$range" -v l="$3" 'BEGIN { printf "%s: %.3fx throughput (rounds %s), %.3fx CPU per request\n", l, r, g, c }'
}
echo
report gatewise nginx "gatewise vs nginx, same endpoint, both logging to a file"
report gatewise bare "gatewise vs bare hyper (no gateway, no log)"
report gatewise-realistic nginx-realistic "gatewise vs nginx, mostly 429"
if wants gatewise && wants nginx; then
  r=$(ratios gatewise nginx 3 | median)
  awk -v r="$r" 'BEGIN { printf "target >= 0.8x nginx throughput: %s\n", (r >= 0.8 ? "met" : "NOT met") }'
fi

if [ "${INSTR:-0}" = 1 ]; then
  # Instructions are counted, not timed: the same binary and load give the same count whatever
  # else the machine is doing. User space only (the kernel's TCP and file work is not counted).
  echo
  echo "user-space instructions per request (valgrind --tool=callgrind, 3 s of wrk load each, after a warm-up):"
  for t in "${TARGETS[@]}"; do
    case "$t" in *realistic) continue ;; esac
    port=$(free_port)
    dir="$WORK/vg-$t"
    out="$dir/callgrind.out"
    server_cmd "$t" "$port" "$dir" 'daemon off; master_process off;'
    valgrind --tool=callgrind --callgrind-out-file="$out" "${CMD[@]}" >"$dir/access.log" 2>/dev/null & vp=$!
    for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    # A second of warm-up, then the counters are zeroed, so start-up and first-request costs
    # (configuration, buffers growing to size) are left out for every server alike.
    "${LOAD_CPU[@]}" wrk -t1 -c"$CONNS" -d1s -H "x-api-key: $KEY" "http://127.0.0.1:$port/dev/pets" >/dev/null
    callgrind_control -z "$vp" >/dev/null 2>&1
    n=$("${LOAD_CPU[@]}" wrk -t1 -c"$CONNS" -d3s -H "x-api-key: $KEY" "http://127.0.0.1:$port/dev/pets" | awk '/requests in/ { print $1 }')
    callgrind_control -d "$vp" >/dev/null 2>&1
    kill -INT "$vp" 2>/dev/null || true
    sleep 1
    kill -QUIT "$vp" 2>/dev/null || true
    wait "$vp" 2>/dev/null || true
    # The dump on request is written beside the exit one, as $out.1.
    total=$(awk '/^(summary|totals):/ { print $2; exit }' "$out.1")
    awk -v t="$t" -v s="$total" -v n="$n" 'BEGIN { printf "  %-19s %7.0f (%d requests after 1 s of warm-up)\n", t, s / n, n }'
  done
fi
