// Peer "socketio": Socket.IO 4 on Node.js, the most used real-time framework on Node.
// Stands for the framework choice: Socket.IO's own rooms (socket.join) and io.to(room).emit(...),
// over its own protocol (Engine.IO v4 framing inside WebSocket text frames), not the plain /ws/{room} contract.
//
// Wire contract: a client opens a WebSocket straight to
//   ws://127.0.0.1:PORT/socket.io/?EIO=4&transport=websocket&room=<room>
// (no HTTP long-polling handshake: only the websocket transport is enabled), receives the Engine.IO open
// packet `0{"sid":...}`, sends `40` to connect to the default namespace and receives `40{"sid":...}`; from then
// on it is a member of <room>. A client sends `42["message",{...}]`; the server sends
//   42["message",{"type":"message","room":<room>,"data":{...}}]
// to every member of the room, the sender included (io.to(room), not socket.to(room), which skips the sender).
// The server pings (`2`) every pingInterval (25 s by default); a client must answer `3` within pingTimeout
// (20 s) or be dropped. An event whose argument is not a JSON object is ignored.
//
// Run: node socketio/server.js PORT   (or: start.sh socketio PORT)

"use strict";

const http = require("node:http");
const { Server } = require("socket.io");

const port = Number.parseInt(process.argv[2] ?? "", 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("usage: node server.js PORT");
  process.exit(2);
}

// Socket.IO answers its own path; anything else gets a 404 here (without a handler it would hang).
const httpServer = http.createServer((req, res) => {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found\n");
});

const io = new Server(httpServer, {
  transports: ["websocket"],
  allowUpgrades: false,
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  maxHttpBufferSize: 16 * 1024 * 1024,
});

io.on("connection", (socket) => {
  const room = socket.handshake.query.room;
  if (typeof room !== "string" || room.length === 0) {
    socket.disconnect(true);
    return;
  }
  socket.join(room);
  socket.on("message", (data) => {
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      return;
    }
    io.to(room).emit("message", { type: "message", room, data });
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  const address = httpServer.address();
  console.log(`listening on ${address.address}:${address.port}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
