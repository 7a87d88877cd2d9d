// Building DOM without HTML strings: every value goes in as text or as an attribute, so data from
// the server can never become markup. The one exception (the server-sanitised README) lives in
// asset.js and is marked there.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * h("a", {href: "#/", class: "nav"}, "Home") -> <a href="#/" class="nav">Home</a>
 * attrs: `class`, `for`, `dataset` (object), `on` (object of event listeners), boolean
 * attributes (true adds, false/null/undefined leaves out) and plain attributes. Never `style`
 * (the Content-Security-Policy forbids inline styles) and never `innerHTML`.
 * children: strings and numbers become text nodes; null, undefined and false are skipped;
 * arrays are flattened.
 */
export function h(tag, attrs, ...children) {
  const element = tag.startsWith("svg:") ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "on") {
      for (const [event, listener] of Object.entries(value)) element.addEventListener(event, listener);
    } else if (name === "dataset") {
      for (const [key, data] of Object.entries(value)) element.dataset[key] = String(data);
    } else if (name === "style" || name === "innerHTML" || name.startsWith("on")) {
      throw new Error(`h(): '${name}' is not allowed; use CSS classes and the 'on' object`);
    } else if (name === "href" || name === "src") {
      element.setAttribute(name, value === true ? "" : String(value));
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children (strings, numbers, nodes, nested arrays) to `parent`; skips empty ones. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces everything inside `parent` with `children`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** An http(s) URL from data, or null: `javascript:`, `data:` and relative tricks never become links. */
export function safeUrl(text) {
  if (typeof text !== "string" || text.trim() === "") return null;
  try {
    const url = new URL(text.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A link when `url` is http(s), plain text otherwise. */
export function externalLink(url, label) {
  const safe = safeUrl(url);
  return safe ? h("a", { href: safe, rel: "noopener noreferrer nofollow", target: "_blank" }, label ?? url) : h("span", {}, label ?? url ?? "");
}

// Times in the viewer's own time zone and language.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const relative = typeof Intl.RelativeTimeFormat === "function" ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }) : null;
const numbers = new Intl.NumberFormat();

export function formatDateTime(iso) {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? dateTime.format(date) : "—";
}

export function formatDate(iso) {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? dateOnly.format(date) : "—";
}

/** "3 hours ago", falling back to the date for anything older than a month. */
export function formatRelative(iso) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return "—";
  const seconds = (date.getTime() - Date.now()) / 1000;
  if (!relative || Math.abs(seconds) > 30 * 86400) return formatDate(iso);
  const steps = [[60, "second"], [3600, "minute"], [86400, "hour"], [Infinity, "day"]];
  const units = { second: 1, minute: 60, hour: 3600, day: 86400 };
  for (const [limit, unit] of steps) {
    if (Math.abs(seconds) < limit) return relative.format(Math.round(seconds / units[unit]), unit);
  }
  return formatDate(iso);
}

/** A <time> element: readable text in the viewer's zone, the exact instant in a tooltip. */
export function timeElement(iso, style = "datetime") {
  if (!iso) return h("span", { class: "muted" }, "—");
  const text = style === "relative" ? formatRelative(iso) : style === "date" ? formatDate(iso) : formatDateTime(iso);
  return h("time", { datetime: iso, title: formatDateTime(iso) }, text);
}

export function formatNumber(value) {
  return numbers.format(Number(value) || 0);
}

export function formatBytes(bytes) {
  const value = Number(bytes) || 0;
  if (value < 1024) return `${value} B`;
  const units = ["KB", "MB", "GB"];
  let size = value / 1024;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size < 10 ? size.toFixed(1) : Math.round(size)} ${units[unit]}`;
}

export function formatDuration(startIso, endIso) {
  if (!startIso || !endIso) return "—";
  const ms = new Date(endIso).getTime() - new Date(startIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return "under 1 s";
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

export function plural(count, one, many = `${one}s`) {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}
