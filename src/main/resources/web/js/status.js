/** What the page says about itself: the connection banner, the online count, short notices. */

const BACK_ONLINE_MS = 2500;
const NOTICE_MS = 5000;

export function createStatus() {
  const banner = document.getElementById("connection-banner");
  const text = document.getElementById("connection-text");
  const dot = document.getElementById("presence-dot");
  const count = document.getElementById("online-count");
  const watching = document.getElementById("watching-count");
  const toast = document.getElementById("toast");
  let state = "connecting";
  let wasLost = false;
  let everLive = false;
  let bannerTimer = null;
  let toastTimer = null;
  let counts = null;

  function showBanner(kind, message) {
    clearTimeout(bannerTimer);
    banner.dataset.kind = kind;
    text.textContent = message;
    banner.hidden = false;
  }

  function connection(next, info = {}) {
    state = next;
    document.body.dataset.connection = next;
    dot.dataset.state = next;
    if (next === "live") {
      everLive = true;
      if (wasLost) {
        showBanner("ok", "Back online.");
        bannerTimer = setTimeout(() => {
          banner.hidden = true;
        }, BACK_ONLINE_MS);
      } else {
        banner.hidden = true;
      }
      wasLost = false;
    } else if (next === "reconnecting") {
      wasLost = true;
      const offline = navigator.onLine === false;
      const attempt = info.attempt > 1 ? ` (attempt ${info.attempt})` : "";
      let message = `Connection lost. Reconnecting${attempt}… Messages you send will go out when it is back.`;
      if (offline) message = "You are offline. Messages you send will go out when you are back.";
      else if (!everLive) message = `Cannot reach the chat right now. Trying again${attempt}…`;
      showBanner("lost", message);
    } else if (next === "connecting" && wasLost) {
      showBanner("lost", "Connecting…");
    }
    renderCount();
  }

  function renderCount() {
    if (state !== "live" || !counts) {
      count.textContent = state === "reconnecting" ? "Offline" : "Connecting…";
      watching.textContent = "";
      count.parentElement.title = "";
      return;
    }
    count.textContent = `${counts.online} online`;
    watching.textContent = ` · ${counts.watching} watching`;
    count.parentElement.title = `${counts.online} with a name chatting now; ${counts.watching} reading along in all`;
  }

  window.addEventListener("offline", () => {
    if (state !== "live") connection(state);
  });

  return {
    connection,
    counts(online, watching) {
      counts = { online, watching };
      renderCount();
    },
    /** A short notice at the bottom of the screen (refusals, hints). */
    notice(message) {
      clearTimeout(toastTimer);
      toast.textContent = message;
      toast.hidden = false;
      toastTimer = setTimeout(() => {
        toast.hidden = true;
      }, NOTICE_MS);
    },
  };
}
