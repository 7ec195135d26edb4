/**
 * The DOM of one message: author, time, time left, the quoted parent, text, image, reactions and
 * its actions. Built with DOM APIs only; buttons carry a `data-action` that the list handles.
 */
import { el, icon, safeUrl } from "./dom.js";
import { clockTime, fullTime, timeLeft } from "./time.js";

/** Images are shown in a frame of this size, reserved before they load, so nothing jumps. */
export const IMAGE_FRAME = { width: 320, height: 240 };

const HUES = 8;

/** A stable colour (one of a few accessible ones) for a sender. */
export function hueClass(senderId) {
  let hash = 0;
  for (const ch of String(senderId)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `hue-${hash % HUES}`;
}

function initials(name) {
  const parts = String(name).trim().split(/[\s_-]+/u).filter(Boolean);
  const letters = parts.length > 1 ? [[...parts[0]][0], [...parts[1]][0]] : [...String(name)].slice(0, 2);
  return letters.join("").toUpperCase();
}

/** The `<li>` for a stored message. `me` is this guest's id, to mark own messages. */
export function renderMessage(message, me) {
  const own = message.senderId === me;
  const hue = hueClass(message.senderId);
  const li = el("li", { class: `msg${own ? " own" : ""}`, dataset: { id: message.id, sender: message.senderId } });
  const bubble = el("div", { class: "bubble" },
    meta(message, hue),
    quote(message),
    message.content ? el("p", { class: "msg-text", text: message.content }) : null,
    image(message.imageUrl, `Image from ${message.senderName}`));
  li.append(el("article", { class: "msg-row", "aria-label": `${message.senderName}, ${clockTime(message.createdAt)}` },
    el("div", { class: `avatar ${hue}`, "aria-hidden": "true", text: initials(message.senderName) }),
    el("div", { class: "msg-main" }, bubble, el("div", { class: "reactions", role: "group", "aria-label": "Reactions" })),
    actions()));
  renderReactions(li, message);
  return li;
}

function meta(message, hue) {
  const left = timeLeft(message.expiresAt);
  return el("p", { class: "msg-meta" },
    el("span", { class: `msg-author ${hue}`, text: message.senderName }),
    el("time", { class: "msg-time", datetime: message.createdAt, title: fullTime(message.createdAt),
      text: clockTime(message.createdAt) }),
    el("span", { class: `msg-ttl${left.soon ? " soon" : ""}`, title: `${left.long} (${fullTime(message.expiresAt)})`,
      dataset: { expiresAt: message.expiresAt } }, icon("clock"), el("span", { text: left.short })));
}

/** Refreshes the "time left" label of a rendered message. */
export function updateTimeLeft(li, now) {
  const ttl = li.querySelector(".msg-ttl");
  if (!ttl) return;
  const left = timeLeft(ttl.dataset.expiresAt, now);
  ttl.lastElementChild.textContent = left.short;
  ttl.title = `${left.long} (${fullTime(ttl.dataset.expiresAt)})`;
  ttl.classList.toggle("soon", left.soon);
}

/** The quoted parent of a reply: a button that scrolls to it, or a note that it has expired. */
export function quote(message) {
  if (!message.replyToMessageId) return null;
  const parent = message.replyTo;
  if (!parent) return expiredQuote(message.replyToMessageId);
  const snippet = parent.content || (parent.imageUrl ? "Image" : "");
  return el("button", { type: "button", class: "quote", dataset: { action: "jump", parentId: parent.id },
    "aria-label": `Reply to ${parent.senderName}: ${snippet}. Show the original message.` },
  icon("reply"),
  el("span", { class: "quote-author", text: parent.senderName }),
  el("span", { class: "quote-text", text: snippet }));
}

export function expiredQuote(parentId) {
  return el("p", { class: "quote expired", dataset: { parentId } },
    icon("expired"), el("span", { class: "quote-text", text: "The original message has expired" }));
}

function image(url, alt) {
  const src = safeUrl(url);
  if (!src) return null;
  return el("a", { class: "msg-image", href: src, target: "_blank", rel: "noopener noreferrer",
    title: "Open the image in full size" },
  el("img", { src, alt, width: IMAGE_FRAME.width, height: IMAGE_FRAME.height, loading: "lazy", decoding: "async" }));
}

function actions() {
  return el("div", { class: "msg-actions" },
    el("button", { type: "button", class: "action", dataset: { action: "reply" }, "aria-label": "Reply", title: "Reply" },
      icon("reply")),
    el("button", { type: "button", class: "action", dataset: { action: "react" }, "aria-label": "Add a reaction",
      title: "React", "aria-haspopup": "dialog", "aria-expanded": "false" }, icon("smile")));
}

/**
 * Replaces the reaction chips: one per emoji of the message's `reactionCounts`, with its count;
 * those in its `myReactions` (this guest's own) are pressed.
 */
export function renderReactions(li, message) {
  const row = li.querySelector(".reactions");
  const own = new Set(Array.isArray(message.myReactions) ? message.myReactions : []);
  const chips = Object.entries(message.reactionCounts ?? {})
    .filter(([, count]) => Number.isInteger(count) && count > 0)
    .map(([emoji, count]) => {
      const mine = own.has(emoji);
      const label = `${emoji} ${count} ${count === 1 ? "reaction" : "reactions"}${mine ? ", including yours. Remove yours" : ". Add yours"}`;
      return el("button", { type: "button", class: `chip${mine ? " mine" : ""}`, "aria-pressed": String(mine),
        "aria-label": label, dataset: { action: "toggle", emoji } },
      el("span", { class: "chip-emoji", text: emoji }),
      el("span", { class: "chip-count", text: String(count) }));
    });
  // Rebuilding the row would drop the keyboard focus to the page's start whenever anyone reacts:
  // keep it on the chip of the same emoji, or on the message's React button when that chip went.
  const focused = row.contains(document.activeElement) ? document.activeElement.dataset.emoji : null;
  row.replaceChildren(...chips);
  row.hidden = chips.length === 0;
  if (focused !== null && focused !== undefined) {
    const same = chips.find((chip) => chip.dataset.emoji === focused);
    (same ?? li.querySelector('[data-action="react"]'))?.focus();
  }
}

/** The `<li>` of a message that is not stored yet (the outbox). */
export function renderPending(entry) {
  const li = el("li", { class: "msg own pending", dataset: { clientId: entry.clientMessageId } });
  const preview = entry.replyPreview;
  const status = el("p", { class: "pending-status", role: "status" });
  const bubble = el("div", { class: "bubble" },
    preview ? quote({ replyToMessageId: preview.id, replyTo: preview }) : null,
    entry.content ? el("p", { class: "msg-text", text: entry.content }) : null,
    image(entry.imageUrl, "Your image"),
    status);
  li.append(el("article", { class: "msg-row", "aria-label": "Your message, not sent yet" }, el("div", { class: "msg-main" }, bubble)));
  updatePending(li, entry);
  return li;
}

/** Shows the state of an outbox entry: sending, waiting, or not sent with what can be done. */
export function updatePending(li, entry, connected = true) {
  const status = li.querySelector(".pending-status");
  li.classList.toggle("failed", entry.state === "failed");
  if (entry.state === "failed") {
    status.replaceChildren(
      el("span", { class: "pending-error", text: `Not sent: ${entry.error}` }),
      el("span", { class: "pending-actions" },
        entry.retryable ? el("button", { type: "button", class: "link-button", dataset: { action: "retry" }, text: "Retry" }) : null,
        el("button", { type: "button", class: "link-button", dataset: { action: "edit" }, text: "Edit" }),
        el("button", { type: "button", class: "link-button", dataset: { action: "discard" }, text: "Discard" })));
  } else {
    const note = !connected ? "Waiting for the connection…"
      : entry.state === "sending" ? "Sending…" : "Waiting to send…";
    status.replaceChildren(el("span", { class: "pending-note", text: entry.waiting ?? note }));
  }
}
