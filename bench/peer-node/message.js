// The message object both peers broadcast: the same fields and JSON shape as Open World Chat's
// NEW_MESSAGE, so that every server sends frames of (nearly) the same size.
import { randomUUID } from "node:crypto";

const TTL_MS = 24 * 3600 * 1000;

export function makeMessage(payload, sender) {
  const now = Date.now();
  const p = payload && typeof payload === "object" ? payload : {};
  return {
    id: randomUUID(),
    content: typeof p.content === "string" ? p.content : "",
    imageUrl: null,
    senderId: sender.id,
    senderName: sender.name,
    replyToMessageId: typeof p.replyToMessageId === "string" ? p.replyToMessageId : null,
    replyTo: null,
    reactions: {},
    reactionCounts: {},
    myReactions: [],
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + TTL_MS).toISOString(),
    clientMessageId: typeof p.clientMessageId === "string" ? p.clientMessageId : null,
  };
}

export function defaultName(id) {
  return "Guest_" + id.slice(0, 4).toUpperCase();
}

export function port() {
  return Number(process.env.PORT || 4100);
}
