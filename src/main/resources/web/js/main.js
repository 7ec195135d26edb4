/**
 * The chat page: reads along at once, asks for a name on the first message or reaction, and
 * keeps going through disconnects. This module wires the parts together.
 */
import { createComposer } from "./composer.js";
import { createConnection } from "./connection.js";
import { History } from "./history.js";
import { MessageList } from "./message-list.js";
import { renderPending, updatePending } from "./message-view.js";
import { Outbox } from "./outbox.js";
import { createReactionPicker } from "./reaction-picker.js";
import { createStatus } from "./status.js";
import { createUsernameDialog } from "./username-dialog.js";

const SWEEP_MS = 30_000;
const TITLE = document.title;

const REFRESH_PAGE = 100;

const me = { guestId: null, username: null, defaultUsername: null, known: false };
let unread = 0;
/**
 * A re-join under way (not the first join): `mark` is taken when it starts, `before` is the first
 * message of its first ack (the one right after the resume point).
 */
let rejoin = null;

const status = createStatus();
const list = new MessageList({
  list: document.getElementById("messages"),
  scroller: document.getElementById("scroller"),
  jump: document.getElementById("jump"),
  empty: document.getElementById("empty"),
});
const history = new History({
  list,
  scroller: document.getElementById("scroller"),
  button: document.getElementById("load-older"),
  note: document.getElementById("history-note"),
});

const connection = createConnection({
  onState(state, info) {
    if (state === "joining") {
      rejoin = list.list.dataset.loaded === "true" ? { mark: list.reactionMark(), before: undefined } : null;
    }
    status.connection(state, info);
    renderOutbox();
    if (state === "live") {
      outbox.flush();
      if (rejoin) refreshShownReactions(rejoin);
      rejoin = null;
    }
  },
  onJoined,
  onEvent,
  resumePoint: () => list.resumePoint(),
});

const dialog = createUsernameDialog({
  async setUsername(username) {
    const ack = await connection.call("SET_USERNAME", { username });
    setMe({ ...me, username: ack.username });
    return ack.username;
  },
});

const outbox = new Outbox({
  async send(entry) {
    const payload = { content: entry.content, clientMessageId: entry.clientMessageId };
    if (entry.imageUrl) payload.imageUrl = entry.imageUrl;
    if (entry.replyToMessageId) payload.replyToMessageId = entry.replyToMessageId;
    return (await connection.call("SEND_MESSAGE", payload)).message;
  },
  canSend: () => connection.isLive(),
  onDelivered: (message) => receive([message], { scroll: "bottom" }),
  onUsernameRequired: askUsername,
  onChange: renderOutbox,
});

const composer = createComposer({ onSubmit: submitMessage, onNotice: status.notice });
const picker = createReactionPicker({ onPick: toggleReaction });

function setMe(info) {
  me.guestId = info.guestId ?? me.guestId;
  me.username = info.username ?? null;
  me.defaultUsername = info.defaultUsername ?? me.defaultUsername;
  me.known = true;
  list.setMe(me.guestId);
  const button = document.getElementById("me-button");
  button.hidden = false;
  button.querySelector(".me-label").textContent = me.username ? "You are" : "Reading as a guest ·";
  document.getElementById("me-name").textContent = me.username ?? "pick a name";
}

function onJoined(ack) {
  setMe(ack);
  status.counts(ack.onlineCount, ack.watchingCount);
  const first = list.list.dataset.loaded !== "true";
  if (rejoin) {
    // Messages shown before the disconnect are not added again: their reactions may have changed.
    list.refreshReactions(ack.messages, rejoin.mark);
    if (rejoin.before === undefined) rejoin.before = ack.messages[0]?.id ?? null;
  }
  receive(ack.messages, { scroll: first ? "bottom" : "auto" });
  if (first) {
    list.loaded();
    history.start(ack.messages.length);
  }
}

function onEvent(name, payload) {
  if (!payload || typeof payload !== "object") return;
  switch (name) {
    case "NEW_MESSAGE":
      if (typeof payload.id === "string") receive([payload]);
      break;
    case "MESSAGE_REACTION_UPDATED":
      list.applyReactionUpdate(payload);
      break;
    case "ONLINE_USERS_COUNT":
      status.counts(payload.count, payload.watching);
      break;
    case "USERNAME_REQUIRED":
      setMe({ ...me, username: null, defaultUsername: payload.defaultUsername ?? me.defaultUsername });
      break;
    case "ERROR":
      status.notice(payload.message ?? "Something went wrong.");
      break;
    default:
  }
}

/**
 * After a re-join, the reactions of the messages shown just before the resume point (the acks
 * covered the ones after it) as they are now: reactions changed while the page was away were
 * never announced to it. One page of the most recent ones; older ones stay as they were.
 */
async function refreshShownReactions({ mark, before }) {
  const query = before ? `before=${encodeURIComponent(before)}&limit=${REFRESH_PAGE}` : `limit=${REFRESH_PAGE}`;
  try {
    const res = await fetch(`/api/messages?${query}`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (res.ok) list.refreshReactions((await res.json()).messages ?? [], mark);
  } catch {
    // Live updates keep coming; the next re-join tries again.
  }
}

/** Messages from anywhere (history, broadcast, ack): shown once; our own settle the outbox. */
function receive(messages, options) {
  for (const message of messages) {
    if (message.senderId === me.guestId && message.clientMessageId) outbox.settle(message);
  }
  const added = list.append(messages, options);
  if (document.hidden && added.length > 0) {
    unread += added.length;
    document.title = `(${unread}) ${TITLE}`;
  }
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) {
    unread = 0;
    document.title = TITLE;
  }
});

/** A name is needed before the first write: ask, unless we know one is set. */
async function ensureUsername() {
  if (me.username || !me.known) return true;
  return askUsername();
}

async function askUsername() {
  return (await dialog.ask({ suggested: me.defaultUsername })) !== null;
}

async function submitMessage(draft) {
  if (!(await ensureUsername())) return false;
  outbox.add({ content: draft.content.trim(), imageUrl: draft.imageUrl, replyTo: draft.replyTo });
  list.scrollToBottom(false);
  return true;
}

const REACTION_ERRORS = {
  OFFLINE: "You are offline: reactions work again when the connection is back.",
  RATE_LIMITED: "That is a lot of reactions. Wait a moment and try again.",
  MESSAGE_NOT_FOUND: "That message has expired.",
};

async function toggleReaction(messageId, emoji) {
  if (!messageId || !(await ensureUsername())) return;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // The ack says whether this toggle added or removed our reaction; its counts are as the
      // toggle left them, which a live update received meanwhile may already have passed.
      const mark = list.reactionMark();
      list.applyOwnToggle(messageId, await connection.call("SEND_REACTION", { messageId, emoji }), mark);
      return;
    } catch (error) {
      if (error.code === "USERNAME_REQUIRED" && attempt === 0 && (await askUsername())) continue;
      if (error.code === "MESSAGE_NOT_FOUND") list.remove(messageId);
      status.notice(REACTION_ERRORS[error.code] ?? error.message);
      return;
    }
  }
}

const pendingViews = new Map(); // clientMessageId -> <li>

function renderOutbox() {
  const container = document.getElementById("outbox");
  const wanted = new Set(outbox.entries.map((e) => e.clientMessageId));
  for (const [id, li] of pendingViews) {
    if (!wanted.has(id)) {
      li.remove();
      pendingViews.delete(id);
    }
  }
  let added = false;
  for (const entry of outbox.entries) {
    let li = pendingViews.get(entry.clientMessageId);
    if (!li) {
      li = renderPending(entry);
      pendingViews.set(entry.clientMessageId, li);
      container.append(li);
      added = true;
    }
    updatePending(li, entry, connection.isLive());
  }
  if (added) list.scrollToBottom(false);
}

document.getElementById("messages").addEventListener("click", (event) => {
  const button = event.target.closest("[data-action]");
  const id = button?.closest("li[data-id]")?.dataset.id;
  if (!button || !id) return;
  switch (button.dataset.action) {
    case "reply":
      composer.setReply(list.get(id));
      break;
    case "react":
      picker.open(button, id);
      break;
    case "toggle":
      toggleReaction(id, button.dataset.emoji);
      break;
    case "jump":
      if (!list.reveal(button.dataset.parentId)) status.notice("The original message is further up.");
      break;
    default:
  }
});

document.getElementById("outbox").addEventListener("click", (event) => {
  const button = event.target.closest("[data-action]");
  const id = button?.closest("li[data-client-id]")?.dataset.clientId;
  if (!button || !id) return;
  if (button.dataset.action === "retry") {
    outbox.retry(id);
  } else if (button.dataset.action === "edit") {
    composer.setText(outbox.find(id)?.content ?? "");
    outbox.discard(id);
  } else if (button.dataset.action === "discard") {
    outbox.discard(id);
  }
});

document.getElementById("me-button").addEventListener("click", async () => {
  await dialog.ask({ suggested: me.defaultUsername, current: me.username });
  composer.focus();
});

setInterval(() => {
  list.sweep();
  history.render();
}, SWEEP_MS);

async function start() {
  renderOutbox();
  try {
    // One guest cookie before anything else, so the socket and uploads are the same guest.
    const res = await fetch("/api/session", { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (res.ok) setMe(await res.json());
  } catch {
    // The socket's handshake issues the cookie instead.
  }
  connection.start();
}

start();
