/**
 * Messages the user sent that the server has not confirmed yet. Each has its own
 * `clientMessageId`, kept for every retry, so a retry after a lost ack or a reconnect never
 * stores the message twice. Entries go out one at a time, in order, whenever the page is
 * connected; they survive a reload of the tab (sessionStorage).
 */

const STORAGE_KEY = "owc.outbox.v1";
/**
 * Refusals that will not change on a retry: the user edits or discards the message.
 * MESSAGE_NOT_FOUND answers a retry whose first attempt was stored and has expired since.
 */
const FINAL = new Set(["EMPTY_MESSAGE", "MESSAGE_TOO_LONG", "INVALID_IMAGE_URL", "REPLY_TARGET_NOT_FOUND",
  "INVALID_PAYLOAD", "MESSAGE_NOT_FOUND"]);
/** The outcome is unknown: try again with the same clientMessageId, which is always safe. */
const TRANSIENT = new Set(["OFFLINE", "TIMEOUT", "SERVICE_UNAVAILABLE"]);

export class Outbox {
  /**
   * `send(entry)` emits SEND_MESSAGE and returns the stored message (or throws a ChatError);
   * `canSend()` says whether the page is connected and joined; `onDelivered(message)`;
   * `onUsernameRequired()` resolves true once a name is set; `onChange()` redraws.
   */
  constructor({ send, canSend, onDelivered, onUsernameRequired, onChange }) {
    Object.assign(this, { send, canSend, onDelivered, onUsernameRequired, onChange });
    this.entries = load();
    this.flushing = false;
    this.again = false;
    this.timer = null;
    this.transientFailures = 0;
  }

  add({ content, imageUrl, replyTo }) {
    const entry = {
      clientMessageId: crypto.randomUUID(),
      content,
      imageUrl: imageUrl ?? null,
      replyToMessageId: replyTo?.id ?? null,
      replyPreview: replyTo ? { id: replyTo.id, senderName: replyTo.senderName,
        content: [...(replyTo.content ?? "")].slice(0, 140).join(""), imageUrl: replyTo.imageUrl ?? null } : null,
      state: "queued",
    };
    this.entries.push(entry);
    this.changed();
    this.flush();
    return entry;
  }

  /** A stored message of ours arrived (ack, broadcast or catch-up): its entry is done. */
  settle(message) {
    const index = this.entries.findIndex((e) => e.clientMessageId === message.clientMessageId);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    this.changed();
    return true;
  }

  find(clientMessageId) {
    return this.entries.find((e) => e.clientMessageId === clientMessageId);
  }

  discard(clientMessageId) {
    this.entries = this.entries.filter((e) => e.clientMessageId !== clientMessageId);
    this.changed();
  }

  retry(clientMessageId) {
    const entry = this.find(clientMessageId);
    if (!entry) return;
    Object.assign(entry, { state: "queued", error: null, waiting: null });
    this.changed();
    this.flush();
  }

  /** Sends queued entries in order until one has to wait (connection, rate limit, username). */
  async flush() {
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    clearTimeout(this.timer);
    try {
      do {
        this.again = false;
        await this.sendQueued();
      } while (this.again);
    } finally {
      this.flushing = false;
    }
  }

  async sendQueued() {
    for (const entry of [...this.entries]) {
      if (entry.state !== "queued" || !this.entries.includes(entry)) continue;
      if (!this.canSend()) return;
      entry.state = "sending";
      entry.waiting = null;
      this.changed();
      try {
        const message = await this.send(entry);
        this.transientFailures = 0;
        this.onDelivered(message);
        this.settle(message);
      } catch (error) {
        if (!this.entries.includes(entry)) continue; // delivered by a broadcast meanwhile
        if (!(await this.handle(entry, error))) return;
      }
    }
  }

  /** Decides what a refusal means for the entry; returns true when the next entry may go. */
  async handle(entry, error) {
    entry.state = "queued";
    if (error.code === "USERNAME_REQUIRED") {
      entry.waiting = "Waiting for you to pick a name…";
      this.changed();
      if (await this.onUsernameRequired()) {
        entry.waiting = null;
        this.again = true;
      } else {
        this.fail(entry, "pick a name to send messages.", true);
        return true;
      }
      return false;
    }
    if (error.code === "RATE_LIMITED") {
      const wait = Math.max(500, error.retryAfterMs ?? 1000);
      entry.waiting = `Slow down a little: sending again in ${Math.ceil(wait / 1000)} s…`;
      this.later(wait);
      return false;
    }
    if (TRANSIENT.has(error.code)) {
      this.transientFailures++;
      entry.waiting = null;
      if (this.canSend()) this.later(Math.min(1000 * 2 ** this.transientFailures, 15_000));
      this.changed();
      return false; // the next (re)join flushes again
    }
    this.fail(entry, error.message, !FINAL.has(error.code));
    return true;
  }

  fail(entry, message, retryable) {
    Object.assign(entry, { state: "failed", error: message, retryable, waiting: null });
    this.changed();
  }

  later(ms) {
    this.changed();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), ms);
  }

  changed() {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.entries));
    } catch {
      // private mode or full storage: the outbox still works for this page
    }
    this.onChange();
  }
}

function load() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "[]");
    return Array.isArray(stored)
      ? stored.filter((e) => e && typeof e.clientMessageId === "string")
        .map((e) => (e.state === "sending" ? { ...e, state: "queued" } : e))
      : [];
  } catch {
    return [];
  }
}
