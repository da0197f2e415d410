#!/usr/bin/env bash
# Builds and tests the optional transformer NER backend (cargo feature `bert`).
#
# libtorch: when LIBTORCH is unset, the CPU part of libtorch 2.4 is taken from the PyPI
# `torch==2.4.0` wheel (installed with --no-deps; the x86_64 wheels are CUDA builds, so
# the two small CUDA runtime wheels its CPU library links against come too) and laid out
# as a LIBTORCH folder under target/ (cached: a second run skips the download).
# Then: build with --features bert, make the tiny model, run the feature's tests, and
# check that the default release binary does not link libtorch.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo "test-bert: $* ($(( $(date +%s) - start ))s)"; }

TORCH_VERSION=2.4.0
CUDA_LIBS_VERSION=12.1.105
if [[ -z "${LIBTORCH:-}" ]]; then
    cache="$PWD/target/libtorch-$TORCH_VERSION"
    if [[ ! -f "$cache/.ready" ]]; then
        step "installing libtorch $TORCH_VERSION from the PyPI wheel into $cache"
        rm -rf "$cache/py" "$cache/lib" "$cache/include"
        mkdir -p "$cache"
        python3 -m pip install --quiet --no-deps --no-cache-dir --target "$cache/py" \
            "torch==$TORCH_VERSION" \
            "nvidia-cuda-runtime-cu12==$CUDA_LIBS_VERSION" \
            "nvidia-cuda-cupti-cu12==$CUDA_LIBS_VERSION"
        mkdir -p "$cache/lib"
        # The CPU library and everything it needs, side by side, so one rpath finds them.
        for lib in "$cache"/py/torch/lib/libtorch_cpu.so "$cache"/py/torch/lib/libc10.so \
            "$cache"/py/torch/lib/libgomp-*.so.1 \
            "$cache"/py/nvidia/cuda_runtime/lib/libcudart.so.12 \
            "$cache"/py/nvidia/cuda_cupti/lib/libcupti.so.12; do
            ln -sf "$lib" "$cache/lib/"
        done
        # torch-sys links -ltorch; the wheel's libtorch.so would pull in the CUDA
        # libraries, so an empty library stands in for it.
        cc -shared -Wl,-soname,libtorch.so -o "$cache/lib/libtorch.so" -x c /dev/null
        ln -sfn "$cache/py/torch/include" "$cache/include"
        touch "$cache/.ready"
    fi
    export LIBTORCH="$cache"
fi

# The default binary first, with the caller's environment: it must not link libtorch.
step "checking that the default release binary has no libtorch"
cargo build --release --quiet
default_bin="${CARGO_TARGET_DIR:-$PWD/target}/release/quotex"
if ldd "$default_bin" | grep -Ei 'torch|c10|cuda'; then
    echo "test-bert: FAILED: $default_bin links libtorch" >&2
    exit 1
fi

export LIBTORCH_CXX11_ABI=0
# libgomp's spinning threads crawl when the cores are shared (parallel tests, CI).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# Its own target dir, so the feature build never invalidates the default one; an rpath,
# so the binaries find libtorch without LD_LIBRARY_PATH.
export CARGO_TARGET_DIR="$PWD/target/bert"
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-rpath,$LIBTORCH/lib"

step "building with --features bert"
cargo build --release --features bert --bins --examples
bin="$CARGO_TARGET_DIR/release/quotex"
if ldd "$bin" | grep -q 'not found'; then
    ldd "$bin" >&2
    echo "test-bert: FAILED: $bin does not find its libraries" >&2
    exit 1
fi

step "making the tiny model"
tiny="$CARGO_TARGET_DIR/tiny-bert"
"$CARGO_TARGET_DIR/release/examples/make_tiny_bert" "$tiny" tiny
export QUOTEX_TINY_BERT="$tiny"

step "running the feature's tests"
cargo test --release --features bert --lib ner::bert
cargo test --release --features bert --test bert
step "passed"
