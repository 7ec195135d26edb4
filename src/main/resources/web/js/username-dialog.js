/**
 * The "pick a name" dialog: shown before the first message or reaction of a guest without a
 * username (or when the server says USERNAME_REQUIRED), prefilled with its defaultUsername.
 */

const VALID = /^[\p{L}\p{M}\p{Nd}_-]+(?: [\p{L}\p{M}\p{Nd}_-]+)*$/u;

const MESSAGES = {
  USERNAME_TAKEN: "Someone already uses that name (or one that looks just like it). Try another.",
  OFFLINE: "You are not connected right now. Try again in a moment.",
  TIMEOUT: "The server did not answer in time. Try again.",
};

/** `setUsername(name)` asks the server and returns the name as stored, or throws a ChatError. */
export function createUsernameDialog({ setUsername }) {
  const dialog = document.getElementById("username-dialog");
  const form = document.getElementById("username-form");
  const input = document.getElementById("username-input");
  const error = document.getElementById("username-error");
  const title = document.getElementById("username-title");
  const help = document.getElementById("username-help");
  const submit = document.getElementById("username-submit");
  let pending = null;

  function finish(name) {
    const resolve = pending;
    pending = null;
    if (dialog.open) dialog.close();
    resolve?.(name);
  }

  function showError(text) {
    error.textContent = text;
    input.setAttribute("aria-invalid", text ? "true" : "false");
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = input.value.trim().normalize("NFC");
    const length = [...name].length;
    if (length < 2 || length > 24) {
      showError("A name has 2 to 24 characters.");
    } else if (!VALID.test(name)) {
      showError("Use letters, digits, single spaces, _ or - only.");
    } else {
      submit.disabled = true;
      try {
        finish(await setUsername(name));
        return;
      } catch (e) {
        showError(MESSAGES[e.code] ?? e.message);
      } finally {
        submit.disabled = false;
      }
    }
    input.focus();
    input.select();
  });
  document.getElementById("username-cancel").addEventListener("click", () => finish(null));
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    finish(null);
  });
  input.addEventListener("input", () => showError(""));

  return {
    /** Resolves with the chosen name, or null when the user cancels. */
    ask({ suggested, current = null }) {
      if (pending) return new Promise((resolve) => {
        const previous = pending;
        pending = (name) => {
          previous(name);
          resolve(name);
        };
      });
      title.textContent = current ? "Change your name" : "Pick a name";
      help.textContent = current
        ? "New messages show the new name; the ones you sent keep the old one."
        : "Others see it next to your messages. No account, no e-mail: it stays with this browser.";
      submit.textContent = current ? "Save" : "Start chatting";
      input.value = current ?? suggested ?? "";
      showError("");
      dialog.showModal();
      input.focus();
      input.select();
      return new Promise((resolve) => {
        pending = resolve;
      });
    },
    isOpen: () => dialog.open,
  };
}
