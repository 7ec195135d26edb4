/**
 * The message box: text (Enter sends, Shift+Enter adds a line), the message being replied to,
 * and an image attachment that uploads at once with a preview and a progress bar.
 */
import { codePoints } from "./dom.js";
import { uploadImage } from "./upload.js";

const MAX_CODE_POINTS = 2000;
const COUNT_FROM = 1800;
const MAX_ROWS = 6;

/** `onSubmit({content, imageUrl, replyTo})` resolves true once the message is on its way. */
export function createComposer({ onSubmit, onNotice }) {
  const form = document.getElementById("composer-form");
  const input = document.getElementById("message-input");
  const send = document.getElementById("send-button");
  const counter = document.getElementById("char-count");
  const replyBar = document.getElementById("reply-bar");
  const replyName = document.getElementById("reply-name");
  const replySnippet = document.getElementById("reply-snippet");
  const fileInput = document.getElementById("image-input");
  const attachmentBar = document.getElementById("attachment");
  const preview = document.getElementById("attachment-preview");
  const status = document.getElementById("attachment-status");
  const progress = document.getElementById("attachment-progress");
  const autoGrow = !CSS.supports("field-sizing", "content");

  let replyTo = null;
  let attachment = null; // {upload, state: "uploading" | "ready" | "failed", imageUrl, previewUrl}
  let busy = false;

  function update() {
    const length = codePoints(input.value);
    counter.hidden = length < COUNT_FROM;
    counter.textContent = `${length} / ${MAX_CODE_POINTS}`;
    counter.classList.toggle("over", length > MAX_CODE_POINTS);
    send.disabled = busy || attachment?.state === "uploading";
    if (autoGrow) input.rows = Math.min(MAX_ROWS, Math.max(1, input.value.split("\n").length));
  }

  async function submit() {
    const content = input.value;
    if (attachment?.state === "uploading") {
      onNotice("The image is still uploading.");
      return;
    }
    if (attachment?.state === "failed") {
      onNotice("The image could not be uploaded: remove it or choose another one.");
      return;
    }
    const imageUrl = attachment?.state === "ready" ? attachment.imageUrl : null;
    if (!content.trim() && !imageUrl) {
      input.focus();
      return;
    }
    if (codePoints(content.trim()) > MAX_CODE_POINTS) {
      onNotice(`A message can have at most ${MAX_CODE_POINTS} characters.`);
      return;
    }
    busy = true;
    update();
    try {
      if (await onSubmit({ content, imageUrl, replyTo })) {
        input.value = "";
        clearReply();
        clearAttachment(false);
      }
    } finally {
      busy = false;
      update();
      input.focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === "Escape" && replyTo) {
      event.preventDefault();
      clearReply();
    }
  });
  input.addEventListener("input", update);

  function setReply(message) {
    replyTo = message;
    replyName.textContent = message.senderName;
    replySnippet.textContent = message.content || (message.imageUrl ? "Image" : "");
    replyBar.hidden = false;
    input.focus();
  }

  function clearReply() {
    replyTo = null;
    replyBar.hidden = true;
  }

  document.getElementById("reply-cancel").addEventListener("click", () => {
    clearReply();
    input.focus();
  });

  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    fileInput.value = "";
    if (file) attach(file);
  });
  document.getElementById("attachment-remove").addEventListener("click", () => {
    clearAttachment(true);
    input.focus();
  });
  preview.addEventListener("error", () => preview.classList.add("broken"));

  function attach(file) {
    clearAttachment(true);
    const upload = uploadImage(file, (fraction) => {
      progress.value = Math.round(fraction * 100);
      status.textContent = `Uploading… ${progress.value}%`;
    });
    const current = { upload, state: "uploading", imageUrl: null, previewUrl: URL.createObjectURL(file) };
    attachment = current;
    preview.classList.remove("broken");
    preview.src = current.previewUrl;
    progress.value = 0;
    progress.hidden = false;
    status.textContent = "Uploading…";
    attachmentBar.classList.remove("error");
    attachmentBar.hidden = false;
    update();
    upload.promise.then((result) => {
      if (attachment !== current) return;
      current.state = "ready";
      current.imageUrl = result.imageUrl;
      progress.hidden = true;
      status.textContent = `Ready to send · ${result.width} × ${result.height}`;
      update();
    }, (error) => {
      if (attachment !== current || error.code === "ABORTED") return;
      current.state = "failed";
      progress.hidden = true;
      status.textContent = error.message;
      attachmentBar.classList.add("error");
      update();
    });
  }

  function clearAttachment(abort) {
    if (!attachment) return;
    if (abort && attachment.state === "uploading") attachment.upload.abort();
    URL.revokeObjectURL(attachment.previewUrl);
    attachment = null;
    preview.removeAttribute("src");
    attachmentBar.hidden = true;
    update();
  }

  update();
  return {
    setReply,
    /** Puts a message back into the box (editing a message that was not sent). */
    setText(text) {
      input.value = text;
      update();
      input.focus();
    },
    focus: () => input.focus(),
  };
}
