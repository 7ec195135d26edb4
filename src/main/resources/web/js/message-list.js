/**
 * The messages on screen: each id shown once (delivery is at-least-once), new ones at the bottom,
 * older pages at the top without moving what the reader looks at, expired ones removed, and a
 * "new messages" button when the reader has scrolled up.
 */
import { expiredQuote, renderMessage, renderReactions, updateTimeLeft } from "./message-view.js";

const GROUP_WINDOW_MS = 5 * 60_000;
const NEAR_BOTTOM_PX = 120;
const RESUME_OVERLAP_MS = 5_000;
const MAX_ARRIVALS = 5_000;

export class MessageList {
  constructor({ list, scroller, jump, empty }) {
    this.list = list;
    this.scroller = scroller;
    this.jump = jump;
    this.empty = empty;
    this.me = null;
    this.byId = new Map(); // id -> {message, li}
    this.arrivals = []; // [id, receivedAt], in arrival order (live and JOIN_CHAT only)
    this.reactionTick = 0; // counts live reaction updates; each entry keeps the tick of its last one
    this.unseen = 0;
    this.atBottom = true;
    scroller.addEventListener("scroll", () => {
      this.atBottom = this.nearBottom();
      if (this.atBottom) this.hideJump();
    }, { passive: true });
    // When the message box grows (a reply, an image, more lines), keep the newest message in view.
    new ResizeObserver(() => {
      if (this.atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
    }).observe(scroller);
    jump.addEventListener("click", () => this.scrollToBottom(true));
  }

  setMe(guestId) {
    if (guestId === this.me) return;
    this.me = guestId;
    for (const { message, li } of this.byId.values()) {
      li.classList.toggle("own", message.senderId === guestId);
    }
  }

  has(id) {
    return this.byId.has(id);
  }

  get(id) {
    return this.byId.get(id)?.message;
  }

  get size() {
    return this.byId.size;
  }

  oldestId() {
    return this.list.firstElementChild?.dataset.id ?? null;
  }

  /** Adds new messages at the bottom (dropping ids already shown); returns the ones added. */
  append(messages, { scroll = "auto" } = {}) {
    const stick = scroll === "bottom" || this.nearBottom();
    const added = [];
    const now = Date.now();
    for (const message of messages) {
      if (this.byId.has(message.id) || Date.parse(message.expiresAt) <= now) continue;
      const li = renderMessage(message, this.me);
      this.list.append(li);
      this.byId.set(message.id, { message, li });
      this.regroup(li);
      this.arrivals.push([message.id, now]);
      added.push(message);
    }
    if (this.arrivals.length > MAX_ARRIVALS) this.arrivals.splice(0, this.arrivals.length - MAX_ARRIVALS);
    this.updateEmpty();
    if (added.length > 0) {
      if (stick) this.scrollToBottom(false);
      else this.showJump(added.length);
    }
    return added;
  }

  /** Adds an older page at the top, keeping the visible messages where they are. */
  prepend(messages) {
    const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;
    const fragment = document.createDocumentFragment();
    const added = [];
    for (const message of messages) {
      if (this.byId.has(message.id)) continue;
      const li = renderMessage(message, this.me);
      fragment.append(li);
      this.byId.set(message.id, { message, li });
      added.push(li);
    }
    this.list.setAttribute("aria-busy", "true");
    this.list.prepend(fragment);
    for (const li of added) this.regroup(li);
    if (added.length > 0) this.regroup(added.at(-1).nextElementSibling);
    this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
    this.list.removeAttribute("aria-busy");
    this.updateEmpty();
    return added.length;
  }

  /**
   * A live update (MESSAGE_REACTION_UPDATED): changes in the order applied, and the message's
   * counts right after them. Changes of this guest (from another of its tabs) move its own.
   */
  applyReactionUpdate({ messageId, changes, reactionCounts }) {
    const entry = this.byId.get(messageId);
    if (!entry || !reactionCounts || typeof reactionCounts !== "object") return;
    entry.reactionsAt = ++this.reactionTick;
    let mine = entry.message.myReactions ?? [];
    for (const change of Array.isArray(changes) ? changes : []) {
      if (change?.guestId === this.me) mine = withOwn(mine, change.emoji, change.added === true);
    }
    this.setReactions(entry, reactionCounts, mine);
  }

  /**
   * This guest's own toggle, as its ack tells it: whether it added or removed its reaction, and
   * the counts as the toggle left them. A live update received since the toggle was sent (`mark`)
   * is as new or newer, so its counts stay; one still to come replaces them in turn.
   */
  applyOwnToggle(messageId, { emoji, added, reactionCounts }, mark) {
    const entry = this.byId.get(messageId);
    if (!entry || typeof emoji !== "string") return;
    const counts = (entry.reactionsAt ?? 0) > mark || !reactionCounts ? entry.message.reactionCounts : reactionCounts;
    this.setReactions(entry, counts, withOwn(entry.message.myReactions ?? [], emoji, added === true));
  }

  /** Where live updates stand: take it before asking for a snapshot or toggling, pass it back with the answer. */
  reactionMark() {
    return this.reactionTick;
  }

  /**
   * Reactions from a snapshot (a JOIN_CHAT ack, a history page) for messages already shown, which
   * `append` leaves as they are. A message with a live update since `mark` keeps what it has: that
   * update may be newer than the snapshot, and any newer than it still arrives, in order.
   */
  refreshReactions(messages, mark) {
    for (const message of messages) {
      const entry = this.byId.get(message.id);
      if (!entry || (entry.reactionsAt ?? 0) > mark) continue;
      const before = JSON.stringify([entry.message.reactionCounts ?? {}, entry.message.myReactions ?? []]);
      if (before === JSON.stringify([message.reactionCounts ?? {}, message.myReactions ?? []])) continue;
      this.setReactions(entry, message.reactionCounts, message.myReactions);
    }
  }

  setReactions(entry, reactionCounts, myReactions) {
    entry.message = { ...entry.message, reactionCounts: reactionCounts ?? {}, myReactions: myReactions ?? [] };
    renderReactions(entry.li, entry.message);
  }

  /** Removes messages whose time is up and refreshes every "time left" label. */
  sweep(now = Date.now()) {
    for (const [id, { message, li }] of this.byId) {
      if (Date.parse(message.expiresAt) <= now) {
        const next = li.nextElementSibling;
        li.remove();
        this.byId.delete(id);
        this.regroup(next);
        this.markParentExpired(id);
      } else {
        updateTimeLeft(li, now);
      }
    }
    this.updateEmpty();
  }

  remove(id) {
    const entry = this.byId.get(id);
    if (!entry) return;
    const next = entry.li.nextElementSibling;
    entry.li.remove();
    this.byId.delete(id);
    this.regroup(next);
    this.updateEmpty();
  }

  markParentExpired(parentId) {
    for (const quote of this.list.querySelectorAll(".quote[data-parent-id]")) {
      if (quote.dataset.parentId === parentId && !quote.classList.contains("expired")) {
        quote.replaceWith(expiredQuote(parentId));
      }
    }
  }

  /** Scrolls to a shown message and highlights it briefly; false when it is not on screen. */
  reveal(id) {
    const entry = this.byId.get(id);
    if (!entry) return false;
    entry.li.scrollIntoView({ block: "center", behavior: prefersMotion() ? "smooth" : "auto" });
    entry.li.classList.remove("flash");
    void entry.li.offsetWidth; // restart the animation
    entry.li.classList.add("flash");
    return true;
  }

  /**
   * Where to resume after a reconnect: not the newest message but one received a few seconds
   * before it, since messages stored at almost the same moment can arrive out of order. The
   * overlap is dropped by id.
   */
  resumePoint() {
    const alive = this.arrivals.filter(([id]) => this.byId.has(id));
    const newest = alive.at(-1);
    if (!newest) return undefined;
    const older = alive.findLast(([, at]) => at <= newest[1] - RESUME_OVERLAP_MS);
    return (older ?? alive[0])[0];
  }

  nearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom(smooth) {
    this.scroller.scrollTo({ top: this.scroller.scrollHeight, behavior: smooth && prefersMotion() ? "smooth" : "auto" });
    this.atBottom = true;
    this.hideJump();
  }

  showJump(count) {
    this.unseen += count;
    this.jump.firstChild.textContent = `${this.unseen} new ${this.unseen === 1 ? "message" : "messages"} `;
    this.jump.hidden = false;
  }

  hideJump() {
    this.unseen = 0;
    this.jump.hidden = true;
  }

  updateEmpty() {
    this.empty.hidden = this.byId.size > 0 || this.list.dataset.loaded !== "true";
  }

  loaded() {
    this.list.dataset.loaded = "true";
    this.updateEmpty();
  }

  /** Consecutive messages of one sender within a few minutes share one header. */
  regroup(li) {
    if (!li) return;
    const prev = li.previousElementSibling;
    const a = prev && this.byId.get(prev.dataset.id)?.message;
    const b = this.byId.get(li.dataset.id)?.message;
    const continued = Boolean(a && b && a.senderId === b.senderId
      && Date.parse(b.createdAt) - Date.parse(a.createdAt) < GROUP_WINDOW_MS);
    li.classList.toggle("continued", continued);
  }
}

/** `mine` with `emoji` in it (`present`) or not. */
function withOwn(mine, emoji, present) {
  const others = mine.filter((e) => e !== emoji);
  return present ? [...others, emoji] : others;
}

function prefersMotion() {
  return !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}
