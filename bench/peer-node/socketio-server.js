// Peer 1: the smallest in-memory chat on socket.io@4 that speaks our event names and payloads.
// No database, no cookies, no limits: what socket.io itself costs for the same traffic.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "socket.io";
import { makeMessage, defaultName, port } from "./message.js";

const ROOM = "chat";
const http = createServer((req, res) => {
  res.writeHead(req.url === "/ready" ? 200 : 404).end();
});
const io = new Server(http, { serveClient: false });

// socket.io passes the ack as the last argument; a client may send no payload at all.
function split(args) {
  const ack = typeof args[args.length - 1] === "function" ? args.pop() : () => {};
  return [args[0], ack];
}

io.on("connection", (socket) => {
  const guest = { id: randomUUID(), name: null };
  socket.on("JOIN_CHAT", (...args) => {
    const [, ack] = split(args);
    socket.join(ROOM);
    ack({ ok: true, guestId: guest.id, username: guest.name, defaultUsername: defaultName(guest.id),
      onlineCount: 0, watchingCount: io.sockets.adapter.rooms.get(ROOM)?.size ?? 0, messages: [] });
  });
  socket.on("SET_USERNAME", (...args) => {
    const [payload, ack] = split(args);
    guest.name = payload?.username ?? null;
    ack({ ok: true, username: guest.name });
  });
  socket.on("SEND_MESSAGE", (...args) => {
    const [payload, ack] = split(args);
    const message = makeMessage(payload, guest);
    io.to(ROOM).emit("NEW_MESSAGE", message);
    ack({ ok: true, message });
  });
});

http.listen(port(), "127.0.0.1", () => console.log(`socket.io peer on ${port()}`));
