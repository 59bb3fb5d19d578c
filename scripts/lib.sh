# Shared by scripts/run and scripts/test: tool versions, the build cache, and idempotent installs.
# Sourced, not run.

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml
BINARYEN_VERSION=132.0.0       # Debian's binaryen (108) builds a wasm that fails to hydrate

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
# Build output lives outside the clone so that a fresh clone reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/secondment-hub/target}"
# cargo-leptos compiles with this set; setting it for plain cargo too lets both share artifacts.
export LEPTOS_OUTPUT_NAME=hub
export LEPTOS_SITE_ROOT="$ROOT/target/site"

say() { printf '\n==> %s\n' "$*"; }

apt_install() {
  # apt-get needs its package lists once on a new machine.
  if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ] || ! apt-cache show "$1" >/dev/null 2>&1; then
    $SUDO apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

ensure_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)"
    # Not --locked: its lock file names a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    say "Installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
    if dpkg -s binaryen >/dev/null 2>&1; then $SUDO apt-get remove -y -qq binaryen >/dev/null; fi
    command -v npm >/dev/null 2>&1 || apt_install nodejs npm
    $SUDO npm install -g --silent "binaryen@$BINARYEN_VERSION"
  fi
}

ensure_test_tools() {
  if [ ! -x /usr/bin/chromium ]; then
    say "Installing Chromium (Debian package) for the end-to-end tests"
    apt_install chromium
  fi
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    say "Installing the end-to-end test packages (Playwright, without its browsers)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
}
