// Smoke check of one running peer: node check.js PEER PORT [ROOM]
// Connects 3 clients to one room, has the first send {"t":1,"p":0,"n":1,"x":"abc"} and checks that all 3
// (the sender included) receive a frame holding exactly "data":{"t":1,"p":0,"n":1,"x":"abc"}, the way the
// load generator finds it (no JSON parse). For socketio it speaks the raw Engine.IO v4 / Socket.IO protocol
// over a plain WebSocket, as the generator does (no socket.io-client). Exits 0 when all 3 got it, 1 if not.

"use strict";

const WebSocket = require("ws");

const [peer, portText, roomArg] = process.argv.slice(2);
const port = Number.parseInt(portText ?? "", 10);
if (!peer || !Number.isInteger(port)) {
  console.error("usage: node check.js {bun|node-ws|socketio|fastapi} PORT [ROOM]");
  process.exit(2);
}
const room = roomArg ?? "load-0";
const isSocketIo = peer === "socketio";
const CLIENTS = 3;
const TIMEOUT_MS = 5000;
const payload = JSON.stringify({ t: 1, p: 0, n: 1, x: "abc" });
const expected = `"data":${payload}`;

const url = isSocketIo
  ? `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&room=${encodeURIComponent(room)}`
  : `ws://127.0.0.1:${port}/ws/${encodeURIComponent(room)}`;

function fail(message) {
  console.log(`FAIL ${peer}: ${message}`);
  process.exit(1);
}

const timer = setTimeout(() => fail(`timed out after ${TIMEOUT_MS} ms; received: ${JSON.stringify(received)}`), TIMEOUT_MS);
const received = Array.from({ length: CLIENTS }, () => []);
const got = new Array(CLIENTS).fill(false);
let ready = 0;
const sockets = [];

function onReady() {
  ready += 1;
  if (ready === CLIENTS) {
    // Everyone is in the room (for /ws peers, once the handshake completed; the servers add the member
    // before or at accept). Give the servers a moment anyway, then publish from client 0.
    setTimeout(() => {
      sockets[0].send(isSocketIo ? `42["message",${payload}]` : payload);
    }, 100);
  }
}

function onText(i, text) {
  received[i].push(text);
  if (text.includes(expected) && !got[i]) {
    got[i] = true;
    if (got.every(Boolean)) {
      clearTimeout(timer);
      console.log(`OK ${peer}: all ${CLIENTS} clients (the sender included) received: ${text}`);
      for (const ws of sockets) {
        ws.close();
      }
      setTimeout(() => process.exit(0), 50);
    }
  }
}

for (let i = 0; i < CLIENTS; i++) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  sockets.push(ws);
  ws.on("error", (err) => fail(`client ${i}: ${err.message}`));
  ws.on("close", (code) => {
    if (!got.every(Boolean)) {
      fail(`client ${i} closed (${code}) before receiving the message`);
    }
  });
  if (isSocketIo) {
    ws.on("message", (data, isBinary) => {
      const text = data.toString("utf8");
      if (isBinary) {
        return;
      }
      if (text.startsWith("0{")) {
        ws.send("40"); // Engine.IO open received: connect to the default namespace
      } else if (text.startsWith("40")) {
        onReady(); // namespace connected: the server ran its connection handler (joined the room)
      } else if (text === "2") {
        ws.send("3"); // Engine.IO ping -> pong
      } else if (text.startsWith("42")) {
        onText(i, text);
      }
    });
  } else {
    ws.on("open", onReady);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        onText(i, data.toString("utf8"));
      }
    });
  }
}
