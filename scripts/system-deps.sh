#!/usr/bin/env bash
# The system packages the tests use, from Debian's archive, installed when missing:
#   chromium + libvulkan1  SwiftShader, the software Vulkan device the WebGPU tests run on
#                          (/usr/lib/chromium/vk_swiftshader_icd.json), and the browser of the page tests
#   redis-server           the queue of `gan sweep --queue` / `gan worker`
set -euo pipefail
need=()
[ -e /usr/lib/chromium/vk_swiftshader_icd.json ] || need+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 ' || need+=(libvulkan1)
command -v redis-server >/dev/null || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${need[*]} (apt-get)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
