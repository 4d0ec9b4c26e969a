#!/usr/bin/env bash
# Install what the peer servers need, idempotently, then print the versions in use, one per line:
#   - npm packages (bun, ws, socket.io) into benchmarks/peers/node_modules, from package-lock.json (npm ci),
#     when node_modules is missing, was installed from another package.json / package-lock.json or node
#     version, or its bun binary does not run;
#   - Debian packages python3-fastapi python3-uvicorn python3-websockets, when one is not installed
#     (apt-get update only then; sudo only when not root).
# Lines "installed: ..." say what this run installed; lines "version: NAME VERSION" give the versions
# (node, npm, bun, ws, socket.io, python, fastapi, starlette, uvicorn, websockets) for the suite's report.
# Exits non-zero, with the reason on stderr, when something cannot be installed or does not run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

PYTHON=/usr/bin/python3
APT_PACKAGES=(python3-fastapi python3-uvicorn python3-websockets)
STAMP=node_modules/.roomwire-peers-stamp

die() {
  echo "install.sh: $*" >&2
  exit 1
}

# ---- Node.js packages -------------------------------------------------------------------------------

command -v node >/dev/null 2>&1 || die "node is not on PATH (the peers need Node.js 18 or later, with npm)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
(( node_major >= 18 )) || die "node $(node --version) is too old: the peers need Node.js 18 or later"

npm_stamp() {
  {
    cat package.json
    [[ -f package-lock.json ]] && cat package-lock.json
    node --version
    uname -m
  } | sha256sum | cut -d' ' -f1
}

bun_runs() {
  [[ -x node_modules/.bin/bun ]] && node_modules/.bin/bun --version >/dev/null 2>&1
}

npm_is_current() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(npm_stamp)" ]] &&
    [[ -f node_modules/ws/package.json && -f node_modules/socket.io/package.json ]] &&
    bun_runs
}

if ! npm_is_current; then
  if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund >&2 || die "npm ci failed in $here"
    how="npm ci"
  else
    npm install --no-audit --no-fund >&2 || die "npm install failed in $here"
    how="npm install"
  fi
  if ! bun_runs; then
    # bun's postinstall (node_modules/bun/install.js) links the platform binary into node_modules/.bin and,
    # when the default x64 build does not run (a CPU without AVX2), installs @oven/bun-linux-x64-baseline
    # instead. If install scripts were skipped, run it ourselves.
    echo "install.sh: bun's binary does not run after $how; running bun's postinstall" >&2
    (cd node_modules/bun && node install.js) >&2 || true
  fi
  bun_runs || die "node_modules/.bin/bun does not run on this machine (grep -c avx2 /proc/cpuinfo: $(grep -c avx2 /proc/cpuinfo || true)); the baseline build is the npm package @oven/bun-linux-x64-baseline"
  npm_stamp >"$STAMP"
  echo "installed: npm packages in $here/node_modules ($how)"
fi

# ---- Debian packages for the FastAPI peer ------------------------------------------------------------

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done
if (( ${#missing[@]} > 0 )); then
  command -v apt-get >/dev/null 2>&1 || die "apt-get is missing; cannot install ${missing[*]}"
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo; cannot install ${missing[*]}"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed"
  echo "installed: Debian packages ${missing[*]}"
fi

[[ -x "$PYTHON" ]] || die "$PYTHON is missing"
python_versions="$("$PYTHON" - <<'EOF'
import platform
import fastapi, starlette, uvicorn, websockets
print("version: python", platform.python_version())
print("version: fastapi", fastapi.__version__)
print("version: starlette", starlette.__version__)
print("version: uvicorn", uvicorn.__version__)
print("version: websockets", websockets.__version__)
EOF
)" || die "$PYTHON cannot import fastapi, starlette, uvicorn and websockets"

# ---- Versions ----------------------------------------------------------------------------------------

bun_build="$(cd node_modules/@oven 2>/dev/null && ls -d bun-* 2>/dev/null | paste -sd, -)"
echo "version: node $(node -p process.versions.node)"
echo "version: npm $(npm --version)"
echo "version: bun $(node_modules/.bin/bun --version) (@oven/${bun_build:-unknown})"
echo "version: ws $(node -p 'require("./node_modules/ws/package.json").version')"
echo "version: socket.io $(node -p 'require("./node_modules/socket.io/package.json").version')"
echo "$python_versions"
