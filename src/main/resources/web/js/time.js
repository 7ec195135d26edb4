/** Times for people: the clock time of a message and how long it has left before it disappears. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function clockTime(iso) {
  return clock.format(new Date(iso));
}

export function fullTime(iso) {
  return full.format(new Date(iso));
}

/** `{short: "5h left", long: "Disappears in about 5 hours", soon}` for an `expiresAt`. */
export function timeLeft(expiresAt, now = Date.now()) {
  const ms = Date.parse(expiresAt) - now;
  if (ms >= HOUR) {
    const hours = Math.floor(ms / HOUR);
    return { short: `${hours}h left`, long: `Disappears in about ${plural(hours, "hour")}`, soon: false };
  }
  if (ms >= MINUTE) {
    const minutes = Math.floor(ms / MINUTE);
    return { short: `${minutes}m left`, long: `Disappears in ${plural(minutes, "minute")}`, soon: true };
  }
  return { short: "<1m left", long: "Disappears in less than a minute", soon: true };
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
