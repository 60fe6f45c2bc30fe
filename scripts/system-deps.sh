#!/usr/bin/env bash
# Install the Debian packages gdviz needs (manim's cairo/pango headers, CJK fonts; for the tests: chromium, nodejs).
# As root: apt-get installs what is missing. Otherwise: print the exact command and fail.
set -euo pipefail
packages=(pkg-config libcairo2-dev libpango1.0-dev fonts-noto-cjk "$@")
missing=()
for p in "${packages[@]}"; do
  [ "$p" = nodejs ] && command -v node >/dev/null && continue   # any Node (>= 18) will do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "gdviz needs these system packages (Debian names): ${missing[*]}; install them with your package manager." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "gdviz needs system packages. Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
