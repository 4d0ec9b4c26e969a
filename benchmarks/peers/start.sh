#!/usr/bin/env bash
# Start one peer server in the foreground: start.sh PEER PORT, PEER one of bun, node-ws, socketio, fastapi.
# It execs the server, so this script's PID is the server's PID (the suite pins it with taskset, reads
# /proc/PID and sends SIGTERM to it). The server listens on 127.0.0.1:PORT and prints one
# "listening on 127.0.0.1:PORT" line when it accepts connections. Run install.sh first.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  echo "usage: $0 {bun|node-ws|socketio|fastapi} PORT" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
peer="$1"
port="$2"
[[ "$port" =~ ^[0-9]+$ ]] && (( port > 0 && port < 65536 )) || usage

NODE="${NODE:-node}"
PYTHON=/usr/bin/python3 # Debian's python, with python3-fastapi etc.; `python3` on PATH may be another one

need() {
  [[ -e "$1" ]] || { echo "start.sh: $1 is missing: run $here/install.sh" >&2; exit 1; }
}

case "$peer" in
  bun)
    need "$here/node_modules/.bin/bun"
    exec "$here/node_modules/.bin/bun" "$here/bun/server.js" "$port"
    ;;
  node-ws)
    need "$here/node_modules/ws/package.json"
    exec "$NODE" "$here/node-ws/server.js" "$port"
    ;;
  socketio)
    need "$here/node_modules/socket.io/package.json"
    exec "$NODE" "$here/socketio/server.js" "$port"
    ;;
  fastapi)
    exec "$PYTHON" "$here/fastapi/server.py" "$port"
    ;;
  *)
    usage
    ;;
esac
