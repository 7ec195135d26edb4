/**
 * Infinite scroll-back: when the top of the list comes into view (or the reader presses
 * "Load older messages"), the page before the oldest shown message is fetched from
 * `GET /api/messages?before=` and put above it.
 */

const PAGE = 50;

export class History {
  constructor({ list, scroller, button, note }) {
    this.list = list;
    this.scroller = scroller;
    this.button = button;
    this.note = note;
    this.hasMore = false;
    this.loading = false;
    this.started = false;
    this.failed = false;
    button.addEventListener("click", () => this.loadOlder());
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.loadOlder();
    }, { root: scroller, rootMargin: "300px 0px 0px 0px" });
    this.observer.observe(button.parentElement);
  }

  /**
   * Called after the first JOIN_CHAT. Its page holds fewer than 50 when the chat is short, but also
   * when 50 would not fit in one answer: any message shown may have older ones before it.
   */
  start(firstPageSize) {
    if (this.started) return;
    this.started = true;
    this.hasMore = firstPageSize > 0;
    this.render();
    this.loadWhileVisible();
  }

  async loadOlder() {
    if (!this.started || this.loading || !this.hasMore) return;
    const before = this.list.oldestId();
    if (!before) {
      this.hasMore = false;
      this.render();
      return;
    }
    this.loading = true;
    this.failed = false;
    this.render();
    try {
      const res = await fetch(`/api/messages?before=${encodeURIComponent(before)}&limit=${PAGE}`,
        { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (res.status === 404) {
        this.list.remove(before); // the oldest shown message has expired: page from the next one
      } else if (!res.ok) {
        throw new Error(`HTTP ${res.status}`);
      } else {
        const page = await res.json();
        this.list.prepend(page.messages);
        this.hasMore = Boolean(page.hasMore);
      }
    } catch {
      this.failed = true;
    } finally {
      this.loading = false;
      this.render();
    }
    if (!this.failed) this.loadWhileVisible();
  }

  /** An observer only reports changes: keep loading while the top is still on screen. */
  loadWhileVisible() {
    requestAnimationFrame(() => {
      const edge = this.button.parentElement.getBoundingClientRect();
      const view = this.scroller.getBoundingClientRect();
      if (edge.bottom >= view.top - 300 && this.hasMore) this.loadOlder();
    });
  }

  render() {
    this.button.hidden = !this.started || !this.hasMore;
    this.button.disabled = this.loading;
    this.button.textContent = this.loading ? "Loading older messages…"
      : this.failed ? "Could not load older messages. Try again" : "Load older messages";
    this.note.hidden = !this.started || this.hasMore || this.list.size === 0;
  }
}
