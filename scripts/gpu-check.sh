#!/usr/bin/env bash
# The GPU check, ready for a machine with a GPU: installs what it needs, then measures each GPU
# device that starts (WebGPU through the GPU's Vulkan driver; CUDA when nvidia-smi is present):
# where the operators run, the benchmarks against the CPU, and a 10-minute preset, trained and
# evaluated. Prints every figure; paste its output into BENCHMARKS.md's GPU section.
#
#   scripts/gpu-check.sh [--minutes M] [--preset NAME]     (defaults: 10, mnist-dcgan)
#
# CUDA: onnxruntime-node's CUDA provider is downloaded (from NuGet, by onnxruntime-node's own install
# script) only on a machine with nvidia-smi, since `npm ci` here deliberately skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=10
preset=mnist-dcgan
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --preset) preset="$2"; shift 2 ;;
    *) echo "usage: scripts/gpu-check.sh [--minutes M] [--preset NAME]" >&2; exit 2 ;;
  esac
done
[ -d node_modules ] || ONNXRUNTIME_NODE_INSTALL=skip npm ci
npm run build >/dev/null
gan() { node bin/gan.js "$@"; }

echo "== machine"
uname -a
nproc
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || echo "no nvidia-smi"
command -v vulkaninfo >/dev/null && vulkaninfo --summary 2>/dev/null | grep -E "deviceName|driverName" || echo "no vulkaninfo (apt-get install vulkan-tools to list Vulkan devices)"

devices=()
if gan device --check --device webgpu --preset ring8 >/dev/null 2>&1; then devices+=(webgpu); else echo "webgpu does not start here:"; gan device --check --device webgpu --preset ring8 2>&1 | tail -1 || true; fi
if command -v nvidia-smi >/dev/null; then
  if ! gan device --check --device cuda --preset ring8 >/dev/null 2>&1; then
    echo "== installing onnxruntime-node's CUDA 12 provider"
    ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js
  fi
  if gan device --check --device cuda --preset ring8 >/dev/null 2>&1; then devices+=(cuda); else gan device --check --device cuda --preset ring8 2>&1 | tail -1 || true; fi
fi
[ ${#devices[@]} -gt 0 ] || { echo "no GPU device starts on this machine"; exit 1; }

for d in "${devices[@]}"; do
  echo "== $d: operator placement ($preset)"
  gan device --check --device "$d" --preset "$preset" | tail -3
  echo "== $d: benchmarks (JSON lines; ratios against the CPU in the same run)"
  npm run --silent bench -- --json --device "$d"
  npm run --silent bench -- --json --device cpu --no-torch
  echo "== $d: what crosses between the host and the device per call (Loop, unrolled, state kept on the device)"
  npm run --silent bench -- --device-transfer --json --device "$d"
  echo "== $d: $preset for $minutes minutes"
  out="runs/gpu-check-$d-$preset"
  rm -rf "$out"
  gan train --preset "$preset" --minutes "$minutes" --device "$d" --out "$out" --no-progress
  gan eval --run "$out" --device "$d"
done
