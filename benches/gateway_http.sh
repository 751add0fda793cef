#!/usr/bin/env bash
# Loopback HTTP benchmark, run by hand (never in CI): bare hyper vs gatewise vs nginx, with wrk,
# in one run on this machine. Every server listens on 127.0.0.1 only; every run is bounded.
#
#   bash benches/gateway_http.sh            # 3 rounds x 10 s per target
#   DURATION=5s ROUNDS=1 bash benches/gateway_http.sh
#
# Targets (all GET /dev/pets with x-api-key, body {"pets":[]}):
#   bare hyper            hyper 1 on a single-threaded tokio runtime, no gateway
#   gatewise overhead     keyed, throttled MOCK route, limits too high to trigger
#   gatewise realistic    same route, usage plan 1000 rps / burst 2000 (most answers are 429)
#   nginx overhead        if ($http_x_api_key != KEY) 403; limit_req (huge rate); the body
#   nginx realistic       same with limit_req rate=1000r/s burst=2000 nodelay (429 over it)
# nginx runs with one worker, as gatewise and bare hyper run one thread; an extra row gives
# nginx with worker_processes auto. nginx's `return 200` runs in the rewrite phase, before
# limit_req could act, so the 200 body is served from a file (content phase) instead.
set -euo pipefail

DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
KEY=bench-key-0123456789abcdef
BODY='{"pets":[]}'
cd "$(dirname "$0")/.."

need_install=()
command -v wrk >/dev/null || need_install+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_install+=(nginx-light)
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

echo "building the bench servers (release)…"
BIN=$(cargo bench --bench gateway_http --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -1)
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

nginx_conf() { # $1 port, $2 rate, $3 burst, $4 workers
  mkdir -p "$WORK/nginx/logs" "$WORK/www"
  printf '%s' "$BODY" >"$WORK/www/pets.json"
  chmod -R a+rX "$WORK"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes $4;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  limit_req_zone \$http_x_api_key zone=keys:1m rate=$2r/s;
  limit_req_status 429;
  server {
    listen 127.0.0.1:$1;
    location = /dev/pets {
      if (\$http_x_api_key != "$KEY") { return 403 '{"message":"Forbidden"}'; }
      limit_req zone=keys burst=$3 nodelay;
      default_type application/json;
      alias $WORK/www/pets.json;
    }
  }
}
EOF
}

start() { # name -> sets PORT and starts the server in the background
  PORT=$(free_port)
  case "$1" in
    bare) "$BIN" bare "$PORT" >/dev/null & PIDS+=($!) ;;
    gatewise-overhead) "$BIN" gatewise "$PORT" overhead >/dev/null & PIDS+=($!) ;;
    gatewise-realistic) "$BIN" gatewise "$PORT" realistic >/dev/null & PIDS+=($!) ;;
    nginx-overhead) nginx_conf "$PORT" 1000000 1000000 1; "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' & PIDS+=($!) ;;
    nginx-realistic) nginx_conf "$PORT" 1000 2000 1; "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' & PIDS+=($!) ;;
    nginx-overhead-auto) nginx_conf "$PORT" 1000000 1000000 auto; "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' & PIDS+=($!) ;;
  esac
  wait_port "$PORT"
}

stop() {
  local p=${PIDS[-1]}
  kill -INT "$p" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  unset 'PIDS[-1]'
}

to_ms() { # wrk latency like 85.00us / 1.20ms / 2.00s -> ms
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'
}

TARGETS=(bare gatewise-overhead nginx-overhead gatewise-realistic nginx-realistic nginx-overhead-auto)
RESULTS="$WORK/results"
: >"$RESULTS"
for round in $(seq "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do
    start "$t"
    url="http://127.0.0.1:$PORT/dev/pets"
    # Sanity: the key check is really there, and the route answers.
    if [ "$t" != bare ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" != 403 ]; then
      echo "$t: a request without the key is not 403" >&2; exit 1
    fi
    [ "$(curl -s -H "x-api-key: $KEY" "$url")" = "$BODY" ] || { echo "$t: wrong body" >&2; exit 1; }
    wrk -t"$THREADS" -c"$CONNS" -d2s -H "x-api-key: $KEY" "$url" >/dev/null # warm-up
    out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "x-api-key: $KEY" "$url")
    stop
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
    total=$(awk '/requests in/ { print $1 }' <<<"$out")
    echo "$t $rps $p50 $p99 ${non2xx:-0} $total" >>"$RESULTS"
    printf 'round %s  %-20s %10s req/s  p50 %s ms  p99 %s ms  non-2xx %s of %s\n' "$round" "$t" "$rps" "$p50" "$p99" "${non2xx:-0}" "$total"
  done
done

echo
echo "Machine: $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
echo "Load: wrk -t$THREADS -c$CONNS -d$DURATION --latency, keep-alive, same machine; median of $ROUNDS rounds"
echo
printf '| %-22s | %10s | %9s | %9s | %14s |\n' target "req/s" "p50 ms" "p99 ms" "non-2xx share"
printf '|%s|%s|%s|%s|%s|\n' "------------------------" "------------" "-----------" "-----------" "----------------"
for t in "${TARGETS[@]}"; do
  awk -v t="$t" '$1 == t' "$RESULTS" | sort -k2 -n | awk -v t="$t" -v n="$ROUNDS" '
    { rps[NR]=$2; p50[NR]=$3; p99[NR]=$4; bad[NR]=$5/($6>0?$6:1) }
    END { m=int((n+1)/2); printf "| %-22s | %10.0f | %9.3f | %9.3f | %13.1f%% |\n", t, rps[m], p50[m], p99[m], 100*bad[m] }'
done | tee "$WORK/table"
bare=$(awk '$2 == "bare" { print $4 }' "$WORK/table")
gw=$(awk '$2 == "gatewise-overhead" { print $4 }' "$WORK/table")
ng=$(awk '$2 == "nginx-overhead" { print $4 }' "$WORK/table")
bp99=$(awk '$2 == "bare" { print $8 }' "$WORK/table")
gp99=$(awk '$2 == "gatewise-overhead" { print $8 }' "$WORK/table")
echo
awk -v b="$bare" -v g="$gw" -v n="$ng" -v bp="$bp99" -v gp="$gp99" 'BEGIN {
  printf "gatewise overhead route: %.0f%% of bare hyper throughput (target >= 70%%), %.2fx nginx; added p99 %.3f ms (target <= 0.5)\n", 100*g/b, g/n, gp-bp }'
