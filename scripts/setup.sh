#!/usr/bin/env bash
# Installs what Zhongshu needs, idempotently: Debian packages, a virtual environment
# with the package, and the pinned front-end assets. `scripts/setup.sh --test` adds what
# the test suite needs. Safe to run again and again; it does only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

# 1. Debian packages listed in scripts/apt-packages*.txt.
lists=(scripts/apt-packages.txt)
[ $want_test = 1 ] && lists+=(scripts/apt-packages-test.txt)
missing=()
for pkg in $(grep -hv '^\s*#' "${lists[@]}" | awk 'NF {print $1}'); do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "需要以 root 身份或通过 sudo 安装：${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# 2. The virtual environment and the package (reinstalled only when pyproject changes).
PY=python3.11
command -v $PY >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  $PY -m venv .venv
fi
extra=""
[ $want_test = 1 ] && extra="[test]"
stamp=".venv/.zhongshu-installed${extra}"
sum=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  say "installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extra}"
  echo "$sum" > "$stamp"
fi

# 3. Front-end assets from the npm registry, pinned by package-lock.json.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.zhongshu-lock ] || [ "$(cat node_modules/.zhongshu-lock)" != "$lock_sum" ]; then
  say "installing front-end assets"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$lock_sum" > node_modules/.zhongshu-lock
fi
