#!/usr/bin/env bash
# Loopback HTTP benchmark, run by hand (never in CI): bare hyper vs gatewise vs nginx, with wrk,
# in one run on this machine. Every server listens on 127.0.0.1 only; every run is bounded.
#
#   bash benches/gateway_http.sh                 # 7 rounds x 5 s per target
#   ROUNDS=3 DURATION=3s bash benches/gateway_http.sh
#   INSTR=1 bash benches/gateway_http.sh         # also count user-space instructions (valgrind)
#
# Targets (all GET /dev/pets with x-api-key, body {"pets":[]}):
#   bare                 hyper 1 on a single-threaded tokio runtime, no gateway
#   gatewise-overhead    keyed, throttled MOCK route, limits too high to trigger, as
#                        `gatewise gateway serve` runs it (no --trace) minus the stdout log line
#   nginx-overhead       the same endpoint: if ($http_x_api_key != KEY) 403; limit_req (huge rate);
#                        return 200 with the body
#   gatewise-realistic   same route, usage plan 1000 rps / burst 2000 (most answers are 429)
#   nginx-realistic      same with limit_req rate=1000r/s burst=2000 nodelay, the same JSON 429 body
#
# How: on a machine with two or more cores every server runs on CPU 1 and wrk (one thread) on
# CPU 0, so neither steals the other's core and each server is measured at saturation. Each
# round runs every target once, in turn, so slow periods of a shared machine hit all of them;
# ratios are taken within a round and the median of the rounds is reported. Server CPU time
# per request is read from /proc. nginx gets its fastest equal configuration: one worker, access
# log off, `return` from a named location (a plain `return` would run before limit_req), the
# missing try_files file cached so no request touches the disk.
set -euo pipefail

DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-7}
CONNS=${CONNS:-16}
KEY=bench-key-0123456789abcdef
BODY='{"pets":[]}'
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

echo "building the bench servers (profile dist: release with fat LTO and one codegen unit)…"
BIN=$(cargo bench --profile dist --bench gateway_http --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -1)
[ -x "$BIN" ] || { echo "bench binary not found" >&2; exit 1; }

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
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "nothing listening on $1" >&2; return 1
}

nginx_conf() { # $1 dir, $2 port, $3 rate, $4 burst
  mkdir -p "$1/logs"
  cat >"$1/nginx.conf" <<EOF
worker_processes 1;
pid $1/nginx.pid;
error_log $1/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
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

declare -A PORT CPU_PID
start() { # target: starts its server, sets PORT[target] and CPU_PID[target] (the process to clock)
  local t=$1 port
  port=$(free_port)
  PORT[$t]=$port
  case "$t" in
    bare) "${SERVER_CPU[@]}" "$BIN" bare "$port" >/dev/null & PIDS+=($!); CPU_PID[$t]=$! ;;
    gatewise-overhead) "${SERVER_CPU[@]}" "$BIN" gatewise "$port" overhead >/dev/null & PIDS+=($!); CPU_PID[$t]=$! ;;
    gatewise-realistic) "${SERVER_CPU[@]}" "$BIN" gatewise "$port" realistic >/dev/null & PIDS+=($!); CPU_PID[$t]=$! ;;
    nginx-overhead | nginx-realistic)
      local dir="$WORK/$t"
      if [ "$t" = nginx-overhead ]; then nginx_conf "$dir" "$port" 1000000 1000000; else nginx_conf "$dir" "$port" 1000 2000; fi
      "${SERVER_CPU[@]}" "$NGINX" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' & PIDS+=($!)
      wait_port "$port"
      CPU_PID[$t]=$(pgrep -P "${PIDS[-1]}" | head -1) ;;
  esac
  wait_port "$port"
  local url="http://127.0.0.1:$port/dev/pets"
  # Sanity: the key check is really there, and the route answers with the body.
  if [ "$t" != bare ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" != 403 ]; then
    echo "$t: a request without the key is not 403" >&2; exit 1
  fi
  [ "$(curl -s -H "x-api-key: $KEY" "$url")" = "$BODY" ] || { echo "$t: wrong body" >&2; exit 1; }
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

to_ms() { # wrk latency like 85.00us / 1.20ms / 2.00s -> ms
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'
}

TARGETS=(bare gatewise-overhead nginx-overhead gatewise-realistic nginx-realistic)
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
echo "nginx: $("$NGINX" -v 2>&1 | sed 's/.*version: //')"
echo
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v t="$1" -v c="$2" '$2 == t { print $c }' "$RESULTS" | median; }
printf '| %-19s | %9s | %8s | %8s | %14s | %9s |\n' target "req/s" "p50 ms" "p99 ms" "CPU µs/request" "429 share"
printf '|%s|%s|%s|%s|%s|%s|\n' "---------------------" "-----------" "----------" "----------" "----------------" "-----------"
for t in "${TARGETS[@]}"; do
  share=$(awk -v t="$t" '$2 == t { print 100 * $6 / ($7 > 0 ? $7 : 1) }' "$RESULTS" | median)
  printf '| %-19s | %9.0f | %8.3f | %8.3f | %14.2f | %8.1f%% |\n' "$t" "$(col "$t" 3)" "$(col "$t" 4)" "$(col "$t" 5)" "$(col "$t" 8)" "$share"
done
# Per-round ratios (both sides measured back to back), then their median.
ratio() { # $1 $2 column: median over rounds of value($1)/value($2)
  join <(awk -v t="$1" -v c="$3" '$2 == t { print $1, $c }' "$RESULTS" | sort) \
       <(awk -v t="$2" -v c="$3" '$2 == t { print $1, $c }' "$RESULTS" | sort) | awk '{ print $2 / $3 }' | median
}
diff_ms() {
  join <(awk -v t="$1" '$2 == t { print $1, $5 }' "$RESULTS" | sort) \
       <(awk -v t="$2" '$2 == t { print $1, $5 }' "$RESULTS" | sort) | awk '{ print $2 - $3 }' | median
}
vs_bare=$(ratio gatewise-overhead bare 3)
vs_nginx=$(ratio gatewise-overhead nginx-overhead 3)
vs_nginx_real=$(ratio gatewise-realistic nginx-realistic 3)
cpu_vs_nginx=$(ratio gatewise-overhead nginx-overhead 8)
added_p99=$(diff_ms gatewise-overhead bare)
echo
awk -v b="$vs_bare" -v n="$vs_nginx" -v r="$vs_nginx_real" -v c="$cpu_vs_nginx" -v p="$added_p99" 'BEGIN {
  printf "gatewise overhead route: %.0f%% of bare hyper throughput (target >= 70%%: %s)\n", 100 * b, (b >= 0.7 ? "met" : "NOT met")
  printf "gatewise vs nginx, same endpoint: %.3fx throughput, %.3fx CPU per request (target >= 1x throughput: %s)\n", n, c, (n >= 1 ? "met" : "NOT met")
  printf "gatewise vs nginx, mostly 429: %.3fx throughput\n", r
  printf "added p99 over bare hyper: %.3f ms (target <= 0.5 ms: %s)\n", p, (p <= 0.5 ? "met" : "NOT met")
}'

if [ "${INSTR:-0}" = 1 ]; then
  # Instructions are counted, not timed: the same binary and load give the same count whatever
  # else the machine is doing. User space only (the kernel's TCP work is the same for all).
  echo
  echo "user-space instructions per request (valgrind --tool=callgrind, 3 s of wrk load each, after a warm-up):"
  for t in bare gatewise-overhead nginx-overhead; do
    port=$(free_port)
    out="$WORK/callgrind.$t"
    case "$t" in
      bare) valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" bare "$port" >/dev/null 2>&1 & vp=$! ;;
      gatewise-overhead) valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" gatewise "$port" overhead >/dev/null 2>&1 & vp=$! ;;
      nginx-overhead)
        nginx_conf "$WORK/vg-nginx" "$port" 1000000 1000000
        valgrind --tool=callgrind --callgrind-out-file="$out" "$NGINX" -p "$WORK/vg-nginx" -c "$WORK/vg-nginx/nginx.conf" \
          -g 'daemon off; master_process off;' >/dev/null 2>&1 & vp=$! ;;
    esac
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
