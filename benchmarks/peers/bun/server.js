// Peer "bun": Bun's built-in WebSocket server (uWebSockets underneath) with its native topic pub/sub.
// Stands for the "just use Bun" choice: one Bun.serve, each connection subscribed to its room's topic,
// server.publish() fanning a message out to every subscriber in native code.
//
// Contract (shared by the /ws/{room} peers): listen on 127.0.0.1:PORT (first argument); a client of
// ws://127.0.0.1:PORT/ws/{room} sends a text frame holding a JSON object; the server parses it and sends
// {"type":"message","room":<room>,"data":<the object>} to every member of the room, the sender included
// (server.publish, not ws.publish, which would skip the sender). Frames that are not JSON objects are ignored.
//
// Run: node_modules/.bin/bun bun/server.js PORT   (or: start.sh bun PORT)

const port = Number.parseInt(process.argv[2] ?? "", 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("usage: bun server.js PORT");
  process.exit(2);
}

const WS_PATH = /^\/ws\/([^/]+)$/;

function roomOf(pathname) {
  const match = WS_PATH.exec(pathname);
  if (!match) {
    return null;
  }
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  fetch(req, server) {
    const room = roomOf(new URL(req.url).pathname);
    if (room === null) {
      return new Response("not found\n", { status: 404 });
    }
    if (server.upgrade(req, { data: { room } })) {
      return undefined;
    }
    return new Response("expected a WebSocket upgrade\n", { status: 426 });
  },
  websocket: {
    // Same settings as the other peers: no compression, never close a slow or idle client.
    perMessageDeflate: false,
    idleTimeout: 0, // seconds; 0 disables the idle close (the suite holds idle connections for a minute)
    backpressureLimit: 1024 * 1024 * 1024, // bytes buffered per connection before sends are dropped
    closeOnBackpressureLimit: false,
    maxPayloadLength: 16 * 1024 * 1024,
    sendPings: false,
    open(ws) {
      ws.subscribe(ws.data.room);
    },
    message(ws, message) {
      if (typeof message !== "string") {
        return; // binary frame: not part of the contract
      }
      let data;
      try {
        data = JSON.parse(message);
      } catch {
        return;
      }
      if (data === null || typeof data !== "object" || Array.isArray(data)) {
        return;
      }
      const room = ws.data.room;
      server.publish(room, JSON.stringify({ type: "message", room, data }));
    },
    close(ws) {
      ws.unsubscribe(ws.data.room);
    },
  },
});

console.log(`listening on ${server.hostname}:${server.port}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.stop(true);
    process.exit(0);
  });
}
