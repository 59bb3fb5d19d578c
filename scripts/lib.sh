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

# The SurrealDB server for the `ws://` tests and for deployments with several app servers,
# built from tools/surrealdb-server (pinned there and in its lock file) into the cache.
SURREALDB_VERSION=3.3.5   # must equal the surrealdb crate in Cargo.lock
SURREAL_BIN="${HUB_SURREAL_BIN:-$HOME/.cache/secondment-hub/tools/surreal-$SURREALDB_VERSION/surreal}"

ensure_surreal() {
  if ! grep -A1 '^name = "surrealdb"$' "$ROOT/Cargo.lock" | grep -q "version = \"$SURREALDB_VERSION\""; then
    echo "The app's surrealdb crate is not $SURREALDB_VERSION: update SURREALDB_VERSION in scripts/lib.sh and tools/surrealdb-server together." >&2
    exit 1
  fi
  if [ -x "$SURREAL_BIN" ] && "$SURREAL_BIN" version 2>/dev/null | grep -q "^$SURREALDB_VERSION"; then
    return
  fi
  say "Building the SurrealDB server $SURREALDB_VERSION (about 20 minutes, once)"
  local target="$HOME/.cache/secondment-hub/surreal-target"
  CARGO_TARGET_DIR="$target" cargo build --release --locked --manifest-path "$ROOT/tools/surrealdb-server/Cargo.toml"
  mkdir -p "$(dirname "$SURREAL_BIN")"
  cp "$target/release/surreal" "$SURREAL_BIN.new" && mv "$SURREAL_BIN.new" "$SURREAL_BIN"
}

# A loopback port nothing listens on.
free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

# Starts a SurrealDB server in memory on a free port, for one test run; sets SURREAL_PORT,
# SURREAL_PASS and SURREAL_PID. The caller stops it (stop_surreal).
start_surreal() {
  command -v curl >/dev/null 2>&1 || apt_install curl
  SURREAL_PORT=$(free_port)
  SURREAL_PASS=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  SURREAL_LOG="$(mktemp)"
  # The login through the environment, not the command line (which any local user can list).
  SURREAL_USER=root SURREAL_PASS="$SURREAL_PASS" "$SURREAL_BIN" start --bind "127.0.0.1:$SURREAL_PORT" \
    memory >"$SURREAL_LOG" 2>&1 &
  SURREAL_PID=$!
  for _ in $(seq 1 600); do
    if curl -fs "http://127.0.0.1:$SURREAL_PORT/health" >/dev/null 2>&1; then return; fi
    if ! kill -0 "$SURREAL_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "The SurrealDB server did not start; its log:" >&2
  cat "$SURREAL_LOG" >&2
  exit 1
}

stop_surreal() {
  if [ -n "${SURREAL_PID:-}" ]; then
    kill "$SURREAL_PID" 2>/dev/null || true
    wait "$SURREAL_PID" 2>/dev/null || true
    SURREAL_PID=""
  fi
  rm -f "${SURREAL_LOG:-}"
}
