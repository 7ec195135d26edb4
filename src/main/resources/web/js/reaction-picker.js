/** The small emoji picker under a message's "React" button. Arrow keys move, Escape closes. */
import { el } from "./dom.js";

export const COMMON_EMOJIS = [
  ["👍", "Thumbs up"], ["❤️", "Heart"], ["😂", "Laughing"], ["😮", "Surprised"],
  ["😢", "Sad"], ["🔥", "Fire"], ["🎉", "Party"], ["👀", "Eyes"],
];

/** `onPick(messageId, emoji)` toggles the reaction. */
export function createReactionPicker({ onPick }) {
  const picker = document.getElementById("reaction-picker");
  const grid = document.getElementById("reaction-picker-grid");
  let anchor = null;
  let messageId = null;

  const buttons = COMMON_EMOJIS.map(([emoji, name]) => el("button", {
    type: "button", class: "pick", text: emoji, title: name, "aria-label": `React with ${name}`, dataset: { emoji },
  }));
  grid.replaceChildren(...buttons);

  grid.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-emoji]");
    if (!button) return;
    const id = messageId;
    close(true);
    onPick(id, button.dataset.emoji);
  });
  picker.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    const move = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (move && index >= 0) {
      event.preventDefault();
      buttons[(index + move + buttons.length) % buttons.length].focus();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      buttons.at(event.key === "Home" ? 0 : -1).focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    }
  });
  picker.addEventListener("focusout", (event) => {
    if (!picker.hidden && !picker.contains(event.relatedTarget) && event.relatedTarget !== anchor && event.relatedTarget) {
      close(false);
    }
  });
  document.addEventListener("pointerdown", (event) => {
    if (!picker.hidden && !picker.contains(event.target) && !anchor?.contains(event.target)) close(false);
  });

  function open(button, id) {
    if (!picker.hidden && anchor === button) {
      close(true);
      return;
    }
    close(false);
    anchor = button;
    messageId = id;
    button.setAttribute("aria-expanded", "true");
    button.closest(".msg-row").append(picker);
    picker.hidden = false;
    picker.scrollIntoView({ block: "nearest" });
    buttons[0].focus();
  }

  function close(restoreFocus) {
    if (picker.hidden) return;
    picker.hidden = true;
    anchor?.setAttribute("aria-expanded", "false");
    if (restoreFocus && anchor?.isConnected) anchor.focus();
    document.body.append(picker);
    anchor = null;
    messageId = null;
  }

  return { open, close };
}
