# Shared by scripts/demo and scripts/test: install missing Debian packages, configure, build.
# Source it; it defines ROOT and BUILD and the functions below. Idempotent and quick when done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${MPIBATCH_BUILD_DIR:-$ROOT/build}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the packages of scripts/packages.txt, and of the other lists named (e.g.
# packages-test.txt), that are missing (apt-get, as root or sudo).
install_packages() {
  local wanted missing=() list
  wanted=$(for list in packages.txt "$@"; do grep -v '^\s*#' "$ROOT/scripts/$list"; done | tr -s ' \n' ' ')
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  say "installing ${#missing[@]} Debian package(s): ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Configures (first time only) and builds the given targets (default: everything).
build() {
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    say "configuring in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi  # an existing build folder keeps its generator
  say "building ${*:-everything}"
  cmake --build "$BUILD" --parallel "$(nproc)" ${1:+--target "$@"}
}
