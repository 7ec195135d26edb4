/**
 * Small DOM helpers. Every string reaches the page as text (text nodes, textContent, attribute
 * values): nothing here, or anywhere in the client, parses a string as HTML.
 */

const SVG = "http://www.w3.org/2000/svg";

/** `el("p", {class: "x", text: "hi"}, child, "more text")`: an element with attributes and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const ICONS = {
  reply: ["M10 8L4 13l6 5", "M4 13h10a6 6 0 0 1 6 6"],
  smile: ["M12 21a9 9 0 1 1 9-9", "M8.5 14.5a4.5 4.5 0 0 0 5.5 1.3", "M9 9.5h.01", "M15 9.5h.01", "M18 15v6", "M15 18h6"],
  clock: ["M12 21a9 9 0 1 1 0-18 9 9 0 0 1 0 18z", "M12 7v5l3 2"],
  expired: ["M12 21a9 9 0 1 1 0-18 9 9 0 0 1 0 18z", "M6 6l12 12"],
};

/** A decorative stroke icon (hidden from assistive technology: its button carries the label). */
export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "icon");
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** The URL if it is a plain http(s) URL (relative ones resolve against the page), else null. */
export function safeUrl(url) {
  if (typeof url !== "string" || url === "") return null;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Length in Unicode code points after NFC, as the server counts it. */
export function codePoints(text) {
  return [...text.normalize("NFC")].length;
}
