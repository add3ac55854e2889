#!/usr/bin/env bash
# System packages the test suite needs beyond Node: Mesa's lavapipe (Vulkan on the CPU, for WebGPU through
# Dawn) from bookworm-backports — bookworm's Mesa 22 is refused by Dawn — and Debian's Chromium for the
# site's page test. Idempotent. Without root or apt it only reports what is missing: the tests that need
# these then skip with the reason instead of failing.
set -euo pipefail

need=()
have_vulkan() { ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' && ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; }
have_vulkan || need+=(vulkan)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  echo "setup-system: lavapipe and chromium present"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing ${need[*]} and cannot install (needs root and apt-get); the tests that need them will be skipped"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if [[ " ${need[*]} " == *" vulkan "* && "$codename" == bookworm ]]; then
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    # Backports from the same mirror the machine's main suite already uses.
    mirror=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 | awk '{print $2}' || true)
    if [ -z "$mirror" ]; then
      mirror=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security | head -n1 | awk '{print $2}' || true)
    fi
    if [ -z "$mirror" ]; then
      echo "setup-system: no Debian mirror configured; cannot add bookworm-backports" >&2
      exit 1
    fi
    echo "deb ${mirror} bookworm-backports main" > /etc/apt/sources.list.d/qbench-backports.list
  fi
fi

apt-get update -qq
if [[ " ${need[*]} " == *" vulkan "* ]]; then
  if [ "$codename" == bookworm ]; then
    apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
  else
    apt-get install -y -qq mesa-vulkan-drivers libvulkan1 >/dev/null
  fi
fi
if [[ " ${need[*]} " == *" chromium "* ]]; then
  apt-get install -y -qq chromium >/dev/null
fi
echo "setup-system: installed ${need[*]}"
