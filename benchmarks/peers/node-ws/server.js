// Peer "node-ws": Node.js with the `ws` package, the most common hand-rolled WebSocket server on Node.
// Stands for the plain Node design: a Map<room, Set<WebSocket>> kept by hand, a broadcast that loops
// over the room's members calling client.send(text) on each.
//
// Contract (shared by the /ws/{room} peers): listen on 127.0.0.1:PORT (first argument); a client of
// ws://127.0.0.1:PORT/ws/{room} sends a text frame holding a JSON object; the server parses it and sends
// {"type":"message","room":<room>,"data":<the object>} to every member of the room, the sender included.
// Frames that are not JSON objects are ignored.
//
// Run: node node-ws/server.js PORT   (or: start.sh node-ws PORT)

"use strict";

const http = require("node:http");
const { WebSocketServer, WebSocket } = require("ws");

const port = Number.parseInt(process.argv[2] ?? "", 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("usage: node server.js PORT");
  process.exit(2);
}

const WS_PATH = /^\/ws\/([^/?]+)(?:\?.*)?$/;

/** room -> members */
const rooms = new Map();

function join(room, ws) {
  let members = rooms.get(room);
  if (members === undefined) {
    members = new Set();
    rooms.set(room, members);
  }
  members.add(ws);
}

function leave(room, ws) {
  const members = rooms.get(room);
  if (members !== undefined) {
    members.delete(ws);
    if (members.size === 0) {
      rooms.delete(room);
    }
  }
}

function broadcast(room, text) {
  const members = rooms.get(room);
  if (members === undefined) {
    return;
  }
  for (const client of members) {
    if (client.readyState === WebSocket.OPEN) {
      client.send(text);
    }
  }
}

function roomOf(url) {
  const match = WS_PATH.exec(url ?? "");
  if (!match) {
    return null;
  }
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

const httpServer = http.createServer((req, res) => {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found\n");
});

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  clientTracking: false, // the rooms map is the registry
  maxPayload: 16 * 1024 * 1024,
});

httpServer.on("upgrade", (req, socket, head) => {
  const room = roomOf(req.url);
  if (room === null) {
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    join(room, ws);
    ws.on("message", (message, isBinary) => {
      if (isBinary) {
        return; // binary frame: not part of the contract
      }
      let data;
      try {
        data = JSON.parse(message.toString("utf8"));
      } catch {
        return;
      }
      if (data === null || typeof data !== "object" || Array.isArray(data)) {
        return;
      }
      broadcast(room, JSON.stringify({ type: "message", room, data }));
    });
    ws.on("close", () => leave(room, ws));
    ws.on("error", () => leave(room, ws));
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  const address = httpServer.address();
  console.log(`listening on ${address.address}:${address.port}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
