/**
 * The Socket.IO connection: acknowledged calls with a timeout, JOIN_CHAT after every (re)connect
 * with `since` so nothing sent meanwhile is missed (page after page while `hasMore`), and the
 * connection state for the page.
 */
import { io } from "../vendor/socket.io.esm.min.js";

const ACK_TIMEOUT_MS = 10_000;
const SERVER_EVENTS = ["NEW_MESSAGE", "MESSAGE_REACTION_UPDATED", "ONLINE_USERS_COUNT", "USERNAME_REQUIRED", "ERROR"];

/** A refusal from the server (`code` from the contract), or OFFLINE / TIMEOUT from here. */
export class ChatError extends Error {
  constructor(code, message, details = {}) {
    super(message || code);
    this.code = code;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * `onState(state, info)`: "connecting", "joining", "live", "reconnecting" ({attempt}).
 * `onJoined(ack)`: each JOIN_CHAT answer (a catch-up may take several).
 * `onEvent(name, payload)`: server events. `resumePoint()`: the id to pass as `since`.
 */
export function createConnection({ onState, onJoined, onEvent, resumePoint }) {
  const socket = io({
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
    timeout: 10_000,
  });
  let live = false;

  async function call(event, payload) {
    if (!socket.connected) throw new ChatError("OFFLINE", "You are not connected right now.");
    let ack;
    try {
      ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
    } catch {
      throw new ChatError("TIMEOUT", "The server did not answer in time.");
    }
    if (ack && ack.ok === true) return ack;
    const error = ack?.error ?? {};
    throw new ChatError(error.code ?? "INTERNAL_ERROR", error.message ?? "Something went wrong.", error);
  }

  async function join() {
    let since = resumePoint();
    for (;;) {
      const ack = await call("JOIN_CHAT", since ? { since } : {});
      onJoined(ack);
      // A catch-up comes in pages (by count and by size): ask again from the last while more follow.
      if (!since || ack.hasMore !== true || ack.messages.length === 0) return;
      since = ack.messages.at(-1).id;
    }
  }

  socket.on("connect", async () => {
    onState("joining");
    for (let attempt = 1; socket.connected; attempt++) {
      try {
        await join();
        live = true;
        onState("live");
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * attempt, 5000)));
      }
    }
  });
  socket.on("disconnect", (reason) => {
    live = false;
    onState("reconnecting", { attempt: 0 });
    if (reason === "io server disconnect") socket.connect(); // the server let go: ask again
  });
  socket.on("connect_error", () => {
    if (!live) onState(socket.active ? "reconnecting" : "connecting", {});
  });
  socket.io.on("reconnect_attempt", (attempt) => onState("reconnecting", { attempt }));
  for (const name of SERVER_EVENTS) socket.on(name, (payload) => onEvent(name, payload));

  return {
    start: () => {
      onState("connecting");
      socket.connect();
    },
    call,
    /** Connected and joined: events sent now are answered, broadcasts arrive. */
    isLive: () => live && socket.connected,
  };
}
