// Peer 2, the upper bound: a bare `ws` server that speaks only as much Engine.IO v4 / Socket.IO
// text framing as the load generator uses. One JSON.stringify per message, one Buffer for all
// receivers: about the least work a Node broadcast can do.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { WebSocketServer } from "ws";
import { makeMessage, defaultName, port } from "./message.js";

const PING_INTERVAL = 25000;
const joined = new Set();
const http = createServer((req, res) => {
  res.writeHead(req.url === "/ready" ? 200 : 404).end();
});
const wss = new WebSocketServer({ server: http, path: "/socket.io/", perMessageDeflate: false });

// "42<ackId>[...]" -> ackId as a string ("" when absent) and the JSON array after it.
function parseEvent(text) {
  let i = 2;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  return [text.slice(2, i), JSON.parse(text.slice(i))];
}

wss.on("connection", (ws) => {
  const sid = randomUUID();
  const guest = { id: randomUUID(), name: null };
  ws.send("0" + JSON.stringify({ sid, upgrades: [], pingInterval: PING_INTERVAL, pingTimeout: 20000, maxPayload: 1000000 }));
  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    const text = data.toString();
    if (text === "3") return;                       // pong
    if (text.startsWith("40")) { ws.send(`40{"sid":"${randomUUID()}"}`); return; }
    if (!text.startsWith("42")) return;
    let ackId, args;
    try { [ackId, args] = parseEvent(text); } catch { return; }
    const [event, payload] = args;
    let reply;
    if (event === "JOIN_CHAT") {
      joined.add(ws);
      reply = { ok: true, guestId: guest.id, username: guest.name, defaultUsername: defaultName(guest.id),
        onlineCount: 0, watchingCount: joined.size, messages: [] };
    } else if (event === "SET_USERNAME") {
      guest.name = payload?.username ?? null;
      reply = { ok: true, username: guest.name };
    } else if (event === "SEND_MESSAGE") {
      const message = makeMessage(payload, guest);
      const frame = Buffer.from(`42["NEW_MESSAGE",${JSON.stringify(message)}]`);
      for (const peer of joined) peer.send(frame, { binary: false });
      reply = { ok: true, message };
    } else {
      reply = { ok: false, error: { code: "UNKNOWN_EVENT", message: "unknown event" } };
    }
    if (ackId !== "") ws.send(`43${ackId}${JSON.stringify([reply])}`);
  });
  ws.on("close", () => joined.delete(ws));
  // Engine.IO v4: the server pings, the client answers "3".
  const pinger = setInterval(() => ws.send("2"), PING_INTERVAL);
  ws.on("close", () => clearInterval(pinger));
});

http.listen(port(), "127.0.0.1", () => console.log(`bare ws peer on ${port()}`));
