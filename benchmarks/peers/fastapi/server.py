"""Peer "fastapi": the seed design, a FastAPI app under uvicorn (websockets implementation).

Stands for the design Roomwire replaces: the seed's (shared/seed/realtime-websocket-patterns.txt)
ConnectionManager, a dict of room -> set of WebSockets, whose broadcast loops over the room awaiting one
send per member and serialises the message once per send, as the seed's send_json does. Reduced to the
room broadcast: no token, no presence tracker, no ordering buffer, no Redis bridge, and no "user_left"
broadcast on disconnect (it is not part of the benchmark's wire contract).

Two changes from the seed, both needed by the wire contract:
- Starlette's send_json serialises with json.dumps' default separators (`"data": {`), and the contract
  wants compact JSON (`"data":{`), so the per-send serialisation is json.dumps(..., separators=(",", ":"))
  followed by send_text, which is what send_json does with the default separators.
- A text frame that is not a JSON object is ignored; the seed would let the JSONDecodeError end the
  connection and leave the socket in its room.

Contract (shared by the /ws/{room} peers): listen on 127.0.0.1:PORT (first argument); a client of
ws://127.0.0.1:PORT/ws/{room} sends a text frame holding a JSON object; the server parses it and sends
{"type":"message","room":<room>,"data":<the object>} to every member of the room, the sender included.

Run: /usr/bin/python3 fastapi/server.py PORT   (or: start.sh fastapi PORT)
Needs Debian's python3-fastapi, python3-uvicorn and python3-websockets (see install.sh).
"""

import json
import socket
import sys
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()


@dataclass
class ConnectionManager:
    connections: dict[str, set[WebSocket]] = field(default_factory=dict)

    async def connect(self, websocket: WebSocket, room: str):
        await websocket.accept()
        self.connections.setdefault(room, set()).add(websocket)

    async def disconnect(self, websocket: WebSocket, room: str):
        self.connections.get(room, set()).discard(websocket)

    async def broadcast(self, room: str, message: dict):
        for ws in list(self.connections.get(room, set())):
            try:
                # The seed's `await ws.send_json(message)`, with compact separators.
                await ws.send_text(json.dumps(message, separators=(",", ":")))
            except Exception:
                self.connections[room].discard(ws)


manager = ConnectionManager()


@app.websocket("/ws/{room}")
async def websocket_endpoint(websocket: WebSocket, room: str):
    await manager.connect(websocket, room)
    try:
        while True:
            try:
                data = await websocket.receive_json()
            except ValueError:  # not JSON
                continue
            if not isinstance(data, dict):
                continue
            await manager.broadcast(room, {
                "type": "message",
                "room": room,
                "data": data,
            })
    except WebSocketDisconnect:
        await manager.disconnect(websocket, room)


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or not 0 < int(sys.argv[1]) < 65536:
        print("usage: /usr/bin/python3 server.py PORT", file=sys.stderr)
        sys.exit(2)
    port = int(sys.argv[1])
    # What uvicorn.run(app, host="127.0.0.1", port=port, ...) does, except that the listening socket is
    # bound here first, so the "listening" line is printed only once the port accepts connections
    # (uvicorn prints its own line at info level only, and the log level here is warning).
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ws="websockets",
        loop="asyncio",  # explicit: "auto" would switch to uvloop if python3-uvloop were ever installed
        http="h11",  # explicit for the same reason (httptools); only the upgrade request goes through it
        ws_per_message_deflate=False,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(config.backlog)
    print(f"listening on 127.0.0.1:{port}", flush=True)
    # Runs until SIGTERM or SIGINT (uvicorn's own handlers), then closes the connections and returns.
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
