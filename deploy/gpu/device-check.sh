#!/usr/bin/env bash
# The GPU check, in one run on the lent GPU machine (no JVM, no network; Python torch in /opt/torch/.venv):
#   1. unpack the kit (.gpu-kit/kit.tar.xz, made by build-kit.sh);
#   2. Python: tiny BERT/RoBERTa/DistilBERT checkpoints and transformers' outputs on fixed texts (the reference);
#   3. pick DJL's JNI library for the machine's libtorch: DJL's shipped cu128 build if it loads and computes
#      correctly against it (a probe run), else build it from the kit's sources with CMake, patched where this
#      libtorch needs it;
#   4. Triage's GpuCheck (model module) on the device: smoke, parity, throughput, first calls, memory, training;
#   5. Python benchmarks of the same shapes (eager, SDPA, torch.compile) and fine-tuning steps.
# Every step checks the time left (DEADLINE seconds from the start) and is skipped when it would not fit; what was
# measured is in $OUT whatever happens: summary.json, device-check.log, gpu-check.json/.tsv, python.json, and
# the JNI library and its build log when one was built.
#
# Rehearsal on a machine without a GPU: TRIAGE_GPU_CHECK_DEVICE=cpu deploy/gpu/device-check.sh
# (small sizes; without that Python venv the Python steps are skipped and libtorch is the CPU build from ~/.m2).
#
# Environment (all optional): OUT, DEADLINE, TRIAGE_GPU_CHECK_DEVICE (gpu:0), TRIAGE_GPU_CHECK_SIZE (full on a
# GPU, small on the CPU), TRIAGE_GPU_CHECK_JNI (auto, shipped or build), TRIAGE_GPU_CHECK_SECTIONS (GpuCheck's
# --sections, e.g. throughput,training), TRIAGE_GPU_CHECK_PYTHON_BENCH (1, or 0 to skip it), KIT, WORK, PYTHON,
# M2_REPO. deploy/gpu/README.md says how a session with a device calls it.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GPU_DIR=$ROOT/deploy/gpu
START=$(date +%s)
DEVICE=${TRIAGE_GPU_CHECK_DEVICE:-gpu:0}
if [[ $DEVICE == cpu ]]; then DEFAULT_SIZE=small; DEFAULT_DEADLINE=240; else DEFAULT_SIZE=full; DEFAULT_DEADLINE=480; fi
SIZE=${TRIAGE_GPU_CHECK_SIZE:-$DEFAULT_SIZE}
DEADLINE=${DEADLINE:-$DEFAULT_DEADLINE}
JNI_MODE=${TRIAGE_GPU_CHECK_JNI:-auto}
OUT=${OUT:-$ROOT/.gpu-kit/out}
WORK=${WORK:-$ROOT/.gpu-kit/work}
KIT=${KIT:-$ROOT/.gpu-kit/kit.tar.xz}
M2_REPO=${M2_REPO:-$HOME/.m2/repository}
KIT_DIR=$WORK/kit
mkdir -p "$OUT" "$WORK"
exec > >(tee -a "$OUT/device-check.log") 2>&1
TEE_PID=$!
trap 'exec 1>&- 2>&-; wait "$TEE_PID"' EXIT # the log is complete before the run returns

# ---------------------------------------------------------------- bookkeeping
STEPS=()
declare -A FACTS=()
elapsed() { echo $(( $(date +%s) - START )); }
left() { echo $(( DEADLINE - $(date +%s) + START )); }
log() { printf '[device-check %4ss] %s\n' "$(elapsed)" "$*"; }
json_string() { # a JSON string literal of $1
    local s=${1//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\t'/ }
    printf '"%s"' "${s//$'\r'/}"
}
# step NAME STATUS SECONDS DETAIL: one entry of summary.json's steps
step() {
    STEPS+=("{\"name\":$(json_string "$1"),\"status\":$(json_string "$2"),\"seconds\":$3,\"detail\":$(json_string "$4")}")
    log "step $1: $2 ($3 s) $4"
    write_summary
}
fact() { FACTS[$1]=$2; }
write_summary() {
    local facts="" k
    for k in "${!FACTS[@]}"; do facts+="${facts:+,}$(json_string "$k"):$(json_string "${FACTS[$k]}")"; done
    local steps
    steps=$(IFS=,; echo "${STEPS[*]}")
    printf '{"device":%s,"size":%s,"deadline_s":%s,"elapsed_s":%s,"facts":{%s},"steps":[%s]}\n' \
        "$(json_string "$DEVICE")" "$(json_string "$SIZE")" "$DEADLINE" "$(elapsed)" "$facts" "$steps" \
        > "$OUT/summary.json"
}
# run_for SECONDS CMD...: the command under a time limit (killed 5 s after it)
run_for() { local s=$1; shift; timeout --kill-after=5 "$s" "$@"; }

log "device $DEVICE, size $SIZE, deadline $DEADLINE s, out $OUT"

# ---------------------------------------------------------------- 1. the kit
t=$(date +%s)
KIT_SUM=$(sha256sum "$KIT" 2>/dev/null | cut -c1-16)
if [[ -z $KIT_SUM ]]; then
    step unpack failed 0 "no kit at $KIT: run deploy/gpu/build-kit.sh and carry .gpu-kit/kit.tar.xz"
    exit 1
elif [[ -f $KIT_DIR/.unpacked-$KIT_SUM ]]; then
    step unpack reused 0 "kit $KIT_SUM already unpacked in $KIT_DIR"
else
    rm -rf "$KIT_DIR" && mkdir -p "$KIT_DIR"
    if xz -dc "$KIT" | tar -x -C "$KIT_DIR"; then
        touch "$KIT_DIR/.unpacked-$KIT_SUM"
        step unpack ok $(( $(date +%s) - t )) "kit $KIT_SUM, $(du -sh "$KIT_DIR" | cut -f1)"
    else
        step unpack failed $(( $(date +%s) - t )) "cannot unpack $KIT"
        exit 1
    fi
fi
JAVA=$KIT_DIR/jre/bin/java
fact kit "$(sed -n 2p "$KIT_DIR/KIT.txt")"
DJL_VERSION=$(basename "$KIT_DIR"/lib/pytorch-engine-*.jar .jar | sed 's/^pytorch-engine-//')

# ---------------------------------------------------------------- 2. the machine and its Python torch
if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -4
    fact gpu "$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)"
fi
PYTHON=${PYTHON:-/opt/torch/.venv/bin/python3}
[[ -x $PYTHON ]] || PYTHON=$(command -v python3 || true)
TORCH_DIR=""
if [[ -x $PYTHON ]] && TORCH_INFO=$("$PYTHON" - <<'PY' 2>/dev/null
import os, torch
print(os.path.dirname(torch.__file__), torch.__version__.split("+")[0], torch.version.cuda or "",
      int(torch._C._GLIBCXX_USE_CXX11_ABI), torch.cuda.is_available(), sep="|")
PY
); then
    IFS='|' read -r TORCH_DIR TORCH_VERSION TORCH_CUDA TORCH_ABI TORCH_SEES_GPU <<<"$(tail -1 <<<"$TORCH_INFO")"
    fact python_torch "$TORCH_VERSION (cuda ${TORCH_CUDA:-none}, cxx11 abi $TORCH_ABI, sees gpu $TORCH_SEES_GPU) at $TORCH_DIR"
    log "Python torch $TORCH_VERSION, CUDA ${TORCH_CUDA:-none}, in $TORCH_DIR"
else
    log "no torch in Python '${PYTHON:-none}': Python steps skipped, libtorch from $M2_REPO"
    PYTHON=""
fi

# ---------------------------------------------------------------- 3. transformers' reference checkpoints
REFERENCE=$WORK/reference
if [[ -n $PYTHON ]] && "$PYTHON" -c 'import transformers, tokenizers' 2>/dev/null; then
    budget=$(( $(left) / 6 )); (( budget > 90 )) && budget=90
    t=$(date +%s)
    if out=$(run_for "$budget" env PYTHONUNBUFFERED=1 "$PYTHON" "$GPU_DIR/python_check.py" checkpoints "$REFERENCE" \
            --deadline-seconds $(( budget - 5 )) 2>&1); then
        step reference-checkpoints ok $(( $(date +%s) - t )) "$(tail -1 <<<"$out")"
    else
        step reference-checkpoints failed $(( $(date +%s) - t )) "$(tail -5 <<<"$out")"
    fi
else
    step reference-checkpoints skipped 0 "no Python with transformers and tokenizers"
fi

# ---------------------------------------------------------------- 4. libtorch and DJL's JNI library
if [[ -n $TORCH_DIR ]]; then
    LIBTORCH=$TORCH_DIR/lib
    PT_VERSION=$TORCH_VERSION
    if [[ -n $TORCH_CUDA ]]; then FLAVOR=cu${TORCH_CUDA//./}; else FLAVOR=cpu; fi
    SHIPPED_JNI=$KIT_DIR/jni/cu128/libdjl_torch.so
    [[ $FLAVOR == cpu ]] && SHIPPED_JNI="" # the kit carries only the cu128 build
else
    # rehearsal: the CPU libtorch and DJL's CPU JNI from the Maven repository, as DJL itself would unpack them
    LIBTORCH=$WORK/libtorch-cpu
    NATIVE_JAR=$(ls "$M2_REPO"/ai/djl/pytorch/pytorch-native-cpu/*/pytorch-native-cpu-*-linux-x86_64.jar 2>/dev/null | tail -1)
    JNI_JAR=$(ls "$M2_REPO"/ai/djl/pytorch/pytorch-jni/*/pytorch-jni-*.jar 2>/dev/null | tail -1)
    if [[ -z $NATIVE_JAR || -z $JNI_JAR ]]; then
        step libtorch failed 0 "no Python torch and no pytorch-native-cpu/pytorch-jni jars in $M2_REPO"
        exit 1
    fi
    if [[ ! -f $LIBTORCH/libtorch.so ]]; then
        mkdir -p "$LIBTORCH" && unzip -q -j -o "$NATIVE_JAR" 'pytorch/cpu/linux-x86_64/*' -d "$LIBTORCH"
    fi
    PT_VERSION=$(basename "$(dirname "$NATIVE_JAR")")
    FLAVOR=cpu
    SHIPPED_JNI=$WORK/jni-shipped-cpu/libdjl_torch.so
    mkdir -p "$(dirname "$SHIPPED_JNI")" && unzip -q -p "$JNI_JAR" jnilib/linux-x86_64/cpu/libdjl_torch.so > "$SHIPPED_JNI"
fi
fact libtorch "$PT_VERSION $FLAVOR in $LIBTORCH"
export DJL_CACHE_DIR=$WORK/djl-cache
unset ENGINE_CACHE_DIR
export PYTORCH_LIBRARY_PATH=$LIBTORCH PYTORCH_VERSION=$PT_VERSION PYTORCH_FLAVOR=$FLAVOR RUST_FLAVOR=cpu
JNI_TARGET=$DJL_CACHE_DIR/pytorch/$PT_VERSION-$FLAVOR-linux-x86_64/$DJL_VERSION-libdjl_torch.so
# torch's CUDA libraries from the venv (the ones its own RUNPATH names), which also give DJL's GPU detection the
# libcudart it looks for through JNA; the CUDA toolkit's libcudart only if the venv has none
LIB_DIRS=$LIBTORCH
if [[ -n $TORCH_DIR ]]; then
    while IFS= read -r d; do LIB_DIRS+=":$d"; done < <(find "$TORCH_DIR/../nvidia" -maxdepth 2 -name lib -type d 2>/dev/null)
    if ! find "$TORCH_DIR/../nvidia" -name 'libcudart.so*' 2>/dev/null | grep -q .; then
        while IFS= read -r d; do LIB_DIRS+=":$d"; done < <(find /usr/local/cuda/lib64 \
            /usr/local/cuda/targets/x86_64-linux/lib -name 'libcudart.so*' -printf '%h\n' 2>/dev/null | sort -u)
    fi
fi
export LD_LIBRARY_PATH=$LIB_DIRS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
if [[ $SIZE == full ]]; then HEAP=-Xmx16g; else HEAP=-Xmx2g; fi
JAVA_OPTS=("$HEAP" -Dai.djl.offline=true "-Djna.library.path=$LIB_DIRS"
    "-Dlog4j2.configurationFile=$GPU_DIR/log4j2.xml")
GPU_CHECK=("$JAVA" "${JAVA_OPTS[@]}" -cp "$KIT_DIR/lib/*" io.triage.model.gpucheck.GpuCheck
    --device "$DEVICE" --work "$WORK" --tokenizer "$KIT_DIR/data/tokenizer.json")

# symbols the JNI library needs that this libtorch does not define (informative: C++ ABIs drift between versions)
missing_symbols() {
    command -v nm >/dev/null || { echo "nm not available"; return; }
    nm -D --defined-only "$LIBTORCH"/*.so* 2>/dev/null | awk '{print $3}' | LC_ALL=C sort -u > "$WORK/defined.txt"
    nm -D --undefined-only "$1" | awk '$1 == "U" {print $2}' | grep -v '@' | LC_ALL=C sort -u > "$WORK/needed.txt"
    local missing
    missing=$(LC_ALL=C comm -23 "$WORK/needed.txt" "$WORK/defined.txt")
    echo "$(grep -c . <<<"$missing") of $(wc -l < "$WORK/needed.txt") undefined symbols not in libtorch: $(head -5 <<<"$missing" | tr '\n' ' ')"
}
# probe NAME LIBRARY: installs LIBRARY where DJL looks for its JNI and runs GpuCheck --probe with it
probe() {
    mkdir -p "$(dirname "$JNI_TARGET")" && cp "$2" "$JNI_TARGET"
    local t rc budget=$(( $(left) / 4 ))
    (( budget > 150 )) && budget=150
    t=$(date +%s)
    log "probe $1: $(missing_symbols "$2")"
    run_for "$budget" "${GPU_CHECK[@]}" --probe --out "$WORK/probe-$1" > "$WORK/probe-$1.log" 2>&1
    rc=$?
    tail -25 "$WORK/probe-$1.log"
    step "jni-probe-$1" "$([[ $rc == 0 ]] && echo ok || echo "failed (exit $rc)")" $(( $(date +%s) - t )) \
        "$(grep -E 'UnsatisfiedLinkError|undefined symbol|symbol lookup error|EngineException|smoke:' "$WORK/probe-$1.log" | head -3)"
    return $rc
}
build_jni() {
    local src=$WORK/jni-src build=$WORK/jni-build blog=$WORK/jni-build.log t round std=17 cuda=ON manual=OFF
    [[ -z $TORCH_DIR || ! -d $TORCH_DIR/include ]] && { step jni-build skipped 0 "no libtorch headers (Python torch)"; return 1; }
    [[ $FLAVOR == cpu ]] && cuda=OFF
    local generator=Ninja keep_going=(-k 0)
    command -v ninja >/dev/null || { generator="Unix Makefiles"; keep_going=(-k); }
    rm -rf "$src" "$build" && cp -r "$KIT_DIR/jni/src" "$src"
    t=$(date +%s)
    : > "$blog"
    for round in 1 2 3 4 5 6; do
        if (( $(left) < 60 )); then echo "time budget" >> "$blog"; break; fi
        log "jni build round $round: C++$std, USE_CUDA=$cuda, TORCH_MANUAL=$manual"
        if ! run_for $(( $(left) - 40 )) cmake -S "$GPU_DIR/jni" -B "$build" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
                -DDJL_NATIVE_SRC="$src" -DJNI_HEADER_DIR="$KIT_DIR/jni/include" \
                -DJDK_INCLUDE_DIR="$KIT_DIR/jni/jdk-include" -DCMAKE_PREFIX_PATH="$TORCH_DIR/share/cmake" \
                -DUSE_CUDA=$cuda -DJNI_CXX_STANDARD=$std -DTORCH_MANUAL=$manual -DTORCH_DIR="$TORCH_DIR" \
                -DTORCH_CXX11_ABI="$TORCH_ABI" >> "$blog" 2>&1; then
            # torch's CMake config failed: plain paths; then without the CUDA toolkit's headers
            if [[ $manual == OFF ]]; then manual=ON; rm -rf "$build"; continue; fi
            if [[ $cuda == ON ]]; then cuda=OFF; rm -rf "$build"; continue; fi
            break
        fi
        # keep going past the first failing file, so one round shows every error the patches may answer
        if run_for $(( $(left) - 30 )) cmake --build "$build" -j "$(nproc)" -- "${keep_going[@]}" > "$build.round.log" 2>&1; then
            cat "$build.round.log" >> "$blog"
            cp "$build/libdjl_torch.so" "$WORK/libdjl_torch-built.so"
            step jni-build ok $(( $(date +%s) - t )) "round $round: C++$std, USE_CUDA=$cuda, TORCH_MANUAL=$manual, patches: $(cat "$src/.triage-patches" 2>/dev/null)"
            cp "$blog" "$OUT/jni-build.log"
            return 0
        fi
        cat "$build.round.log" >> "$blog"
        grep -m 8 -E 'error' "$build.round.log"
        if "${PYTHON:-python3}" "$GPU_DIR/jni/patch_sources.py" "$src" "$build.round.log"; then continue; fi
        if [[ $std == 17 ]] && grep -qE 'C\+\+ ?20|c\+\+20' "$build.round.log"; then std=20; rm -rf "$build"; continue; fi
        if [[ $cuda == ON ]] && grep -qiE 'cuda' <(grep -E 'error' "$build.round.log"); then cuda=OFF; rm -rf "$build"; continue; fi
        break
    done
    cp "$blog" "$OUT/jni-build.log"
    local last=$blog
    [[ -f $build.round.log ]] && last=$build.round.log
    step jni-build failed $(( $(date +%s) - t )) "$(grep -m 3 -E 'error' "$last")"
    return 1
}

# a library built by an earlier run comes back in $OUT; carried in .gpu-kit/jni/ it is tried first
CARRIED_JNI=$ROOT/.gpu-kit/jni/libdjl_torch-$PT_VERSION-$FLAVOR.so
JNI_USED=""
if [[ $JNI_MODE != build && -f $CARRIED_JNI ]] && probe carried "$CARRIED_JNI"; then
    JNI_USED=carried
elif [[ $JNI_MODE != build && -f $WORK/libdjl_torch-built.so && -n $TORCH_DIR ]] && probe built-earlier "$WORK/libdjl_torch-built.so"; then
    JNI_USED=built-earlier
elif [[ $JNI_MODE != build && -n $SHIPPED_JNI ]] && probe shipped "$SHIPPED_JNI"; then
    JNI_USED=shipped
elif [[ $JNI_MODE != shipped ]] && build_jni && probe built "$WORK/libdjl_torch-built.so"; then
    JNI_USED=built
    cp "$WORK/libdjl_torch-built.so" "$OUT/libdjl_torch-$PT_VERSION-$FLAVOR.so"
elif [[ $JNI_MODE == build && -n $SHIPPED_JNI ]] && probe shipped "$SHIPPED_JNI"; then
    JNI_USED=shipped # asked to build, the build failed: still measure with the shipped one
fi
fact jni "${JNI_USED:-none works}"
write_summary

# ---------------------------------------------------------------- 5. Triage's GpuCheck
PY_BENCH=0
[[ -n $PYTHON && $DEVICE != cpu && ${TRIAGE_GPU_CHECK_PYTHON_BENCH:-1} == 1 ]] && PY_BENCH=1
if [[ -z $JNI_USED ]]; then
    step gpu-check skipped 0 "no JNI library works with this libtorch"
else
    reserve=$(( PY_BENCH ? $(left) * 3 / 10 : 0 ))
    budget=$(( $(left) - reserve - 15 ))
    if [[ $SIZE == full ]]; then
        SIZE_ARGS=()
    else
        SIZE_ARGS=(--shapes tiny --batches 1,8 --seq-len 16 --first-call-seq-lens 8,32 --row-seconds 0.3 --cycles 3
            --train-batch 4 --train-seconds 1)
    fi
    if [[ -f $REFERENCE/reference.json ]]; then SIZE_ARGS+=(--reference "$REFERENCE"); fi
    if [[ -n ${TRIAGE_GPU_CHECK_SECTIONS:-} ]]; then SIZE_ARGS+=(--sections "$TRIAGE_GPU_CHECK_SECTIONS"); fi
    t=$(date +%s)
    run_for $(( budget + 20 )) "${GPU_CHECK[@]}" --out "$OUT" --deadline-seconds "$budget" "${SIZE_ARGS[@]}"
    rc=$?
    step gpu-check "$([[ $rc == 0 ]] && echo ok || echo "exit $rc")" $(( $(date +%s) - t )) \
        "budget $budget s; figures in gpu-check.json and gpu-check.tsv"
fi

# ---------------------------------------------------------------- 6. Python benchmarks of the same shapes
if (( PY_BENCH )) && (( $(left) > 25 )); then
    budget=$(( $(left) - 10 ))
    t=$(date +%s)
    run_for "$budget" env PYTHONUNBUFFERED=1 "$PYTHON" "$GPU_DIR/python_check.py" bench "$OUT/python.json" \
        --deadline-seconds $(( budget - 10 ))
    rc=$?
    step python-bench "$([[ $rc == 0 ]] && echo ok || echo "exit $rc")" $(( $(date +%s) - t )) "figures in python.json"
else
    step python-bench skipped 0 "$([[ -z $PYTHON ]] && echo 'no Python torch' || echo 'cpu rehearsal, switched off or time budget')"
fi
log "done in $(elapsed) s of $DEADLINE"
write_summary
