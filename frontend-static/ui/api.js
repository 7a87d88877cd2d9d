// The registry's HTTP API, same origin only. The login token lives in sessionStorage (it is gone
// when the tab closes); logout and any 401 remove it.

const TOKEN_KEY = "agenthub.token";
const API = "/api/v1";

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

export const session = {
  /** The current user (from /users/me), or null. */
  user: null,
  listeners: new Set(),

  get token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },

  signIn(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    this.user = user;
    this.changed();
  },

  signOut() {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
      localStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage may be disabled; there is nothing to remove then.
    }
    this.user = null;
    this.changed();
  },

  get isAdmin() {
    return this.user?.role === "admin";
  },

  onChange(listener) {
    this.listeners.add(listener);
  },

  changed() {
    for (const listener of this.listeners) listener(this.user);
  },
};

/** Called with the current hash when a request answers 401: the app sends the user to login. */
let unauthorizedHandler = () => {};
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/**
 * request("GET", "/assets", {query: {q: "pdf"}}) -> parsed JSON (null for 204).
 * Throws ApiError with the server's `detail`. A 401 on anything but the login call drops the
 * token and (unless `silent`) hands over to the unauthorized handler.
 */
export async function request(method, path, { query, body, signal, silent = false } = {}) {
  const url = new URL(API + path, window.location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
  }
  const headers = { Accept: "application/json" };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "The registry could not be reached. Check your connection and try again.");
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const detail = typeof data?.detail === "string" && data.detail ? data.detail : `The server answered ${response.status} ${response.statusText}`.trim();
    if (response.status === 401 && path !== "/auth/login") {
      session.signOut();
      if (!silent) unauthorizedHandler(detail);
    }
    throw new ApiError(response.status, detail);
  }
  return data;
}

export const api = {
  get: (path, query, options) => request("GET", path, { ...options, query }),
  post: (path, body) => request("POST", path, { body }),
  put: (path, body) => request("PUT", path, { body }),
  del: (path) => request("DELETE", path),
};

/** Path segment for a kind and name, encoded. */
export function assetPath(kind, name) {
  return `/assets/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`;
}

/** Loads the user behind the stored token, if any; a bad token is dropped quietly. */
export async function restoreSession() {
  if (!session.token) return null;
  try {
    const user = await request("GET", "/users/me", { silent: true });
    session.user = user;
    session.changed();
    return user;
  } catch {
    return null;
  }
}
