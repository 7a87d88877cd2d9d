// Hash routing: "#/search?q=pdf&kind=skill&page=2". The URL always holds the page's state, so a
// reload or a shared link shows the same thing, and the server needs no fallback route.

/** The current route: {path: "/search", params: {q: "pdf"}}. */
export function current() {
  const hash = window.location.hash.replace(/^#/, "") || "/";
  const [rawPath, rawQuery = ""] = hash.split("?", 2);
  const path = "/" + rawPath.split("/").filter(Boolean).map(safeDecode).map(encodeSegment).join("/");
  const params = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) params[key] = value;
  return { path, params };
}

function safeDecode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function encodeSegment(segment) {
  return encodeURIComponent(segment);
}

/** "#/search?q=pdf" from ("/search", {q: "pdf"}); empty values are left out. */
export function href(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  const encodedPath = "/" + path.split("/").filter(Boolean).map((part) => encodeURIComponent(safeDecode(part))).join("/");
  return `#${encodedPath}${text ? `?${text}` : ""}`;
}

/** Goes to a route; `replace` keeps the browser history from growing (redirects). */
export function navigate(path, params = {}, { replace = false } = {}) {
  const target = href(path, params);
  if (target === window.location.hash) {
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else if (replace) {
    window.location.replace(target);
  } else {
    window.location.hash = target;
  }
}

/**
 * Matches a path against patterns like "/assets/:kind/:name"; returns the route and its
 * decoded parameters, or null.
 */
export function match(routes, path) {
  const parts = path.split("/").filter(Boolean).map(safeDecode);
  for (const route of routes) {
    const pattern = route.pattern.split("/").filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const values = {};
    let ok = true;
    for (let i = 0; i < pattern.length; i += 1) {
      if (pattern[i].startsWith(":")) values[pattern[i].slice(1)] = parts[i];
      else if (pattern[i] !== parts[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return { route, values };
  }
  return null;
}
