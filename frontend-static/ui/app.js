// Entry point: the header, the route table and the render loop.

import { h, replace } from "./dom.js";
import { session, onUnauthorized, restoreSession } from "./api.js";
import { current, match, navigate, href } from "./router.js";
import { errorBox, toast } from "./components.js";
import { homePage, searchPage } from "./browse.js";
import { assetPage } from "./asset.js";
import { loginPage, registerPage, profilePage } from "./account.js";
import { adminDashboardPage, adminAssetsPage, adminUsersPage, adminAuditPage } from "./admin.js";
import { syncSourcesPage, syncSourcePage, syncRunPage } from "./admin-sync.js";

const routes = [
  { pattern: "/", title: "Home", render: homePage },
  { pattern: "/search", title: "Search", render: searchPage },
  { pattern: "/assets/:kind/:name", title: "Asset", render: assetPage },
  { pattern: "/login", title: "Log in", render: loginPage },
  { pattern: "/register", title: "Create an account", render: registerPage },
  { pattern: "/profile", title: "Your profile", render: profilePage, auth: "user" },
  { pattern: "/admin", title: "Admin dashboard", render: adminDashboardPage, auth: "admin" },
  { pattern: "/admin/assets", title: "Admin · Assets", render: adminAssetsPage, auth: "admin" },
  { pattern: "/admin/users", title: "Admin · Users", render: adminUsersPage, auth: "admin" },
  { pattern: "/admin/sync", title: "Admin · Sync sources", render: syncSourcesPage, auth: "admin" },
  { pattern: "/admin/sync/:id", title: "Admin · Sync source", render: syncSourcePage, auth: "admin" },
  { pattern: "/admin/sync-runs/:id", title: "Admin · Sync run", render: syncRunPage, auth: "admin" },
  { pattern: "/admin/audit", title: "Admin · Audit log", render: adminAuditPage, auth: "admin" },
];

const main = document.getElementById("main");
const nav = document.getElementById("site-nav");
const toggle = document.getElementById("nav-toggle");

/** What is on screen: its route key and the page's optional update(params). */
let active = null;
let firstRender = true;

function setTitle(text) {
  document.title = text ? `${text} · AgentHub` : "AgentHub";
}

/** Lets a page set a more precise title once its data is loaded. */
export function pageTitle(text) {
  setTitle(text);
}

function renderNav() {
  const { path } = current();
  const item = (target, label, { exact = false, ariaLabel = null } = {}) => {
    const isCurrent = exact ? path === target : path === target || path.startsWith(`${target}/`);
    return h("li", {}, h("a", { href: href(target), class: "nav-link", "aria-current": isCurrent ? "page" : null, "aria-label": ariaLabel }, label));
  };
  const user = session.user;
  const links = [item("/", "Home", { exact: true }), item("/search", "Search")];
  if (session.isAdmin) links.push(item("/admin", "Admin"));
  if (user) {
    links.push(item("/profile", user.username, { ariaLabel: `Your profile (${user.username})` }));
    links.push(h("li", {}, h("button", { type: "button", class: "nav-link nav-button", id: "logout-button", on: { click: logout } }, "Log out")));
  } else {
    links.push(item("/login", "Log in"));
    links.push(h("li", {}, h("a", { href: href("/register"), class: "nav-link nav-cta", "aria-current": path === "/register" ? "page" : null }, "Sign up")));
  }
  replace(nav, h("ul", { class: "nav-list" }, links));
}

function logout() {
  session.signOut();
  toast("You are logged out.");
  navigate("/");
}

function closeMenu() {
  toggle.setAttribute("aria-expanded", "false");
  document.body.classList.remove("nav-open");
}

async function render() {
  const { path, params } = current();
  closeMenu();
  renderNav();
  const found = match(routes, path);
  const key = found ? `${found.route.pattern}|${JSON.stringify(found.values)}` : `missing|${path}`;
  if (active && active.key === key && typeof active.page?.update === "function") {
    active.page.update(params);
    return;
  }
  const root = h("div", { class: "page" });
  replace(main, root);
  const entry = { key, page: null };
  active = entry;
  if (!firstRender) window.scrollTo(0, 0);

  if (!found) {
    setTitle("Not found");
    replace(root, errorBox({ status: 404, detail: `There is no page at ${path}.` }), h("p", {}, h("a", { href: href("/") }, "Go to the home page")));
    return;
  }
  const { route, values } = found;
  setTitle(route.title);
  if (route.auth && !session.user) {
    navigate("/login", { next: window.location.hash }, { replace: true });
    return;
  }
  if (route.auth === "admin" && !session.isAdmin) {
    replace(root, errorBox({ status: 403, detail: "This page is for administrators. Log in with an admin account to see it." }));
    return;
  }
  try {
    entry.page = (await route.render(root, { values, params })) || null;
  } catch (error) {
    replace(root, errorBox(error, reload));
  }
  if (!firstRender && entry === active) {
    const heading = main.querySelector("h1");
    (heading || main).focus({ preventScroll: true });
  }
  firstRender = false;
}

/** Re-renders the current page from scratch (after an action changed what it shows). */
export function reload() {
  active = null;
  render();
}

onUnauthorized(() => {
  toast("Your session has ended. Please log in again.", "error");
  const { path } = current();
  if (path !== "/login") navigate("/login", { next: window.location.hash }, { replace: true });
});

session.onChange(renderNav);

toggle.addEventListener("click", () => {
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  document.body.classList.toggle("nav-open", open);
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.body.classList.contains("nav-open")) {
    closeMenu();
    toggle.focus();
  }
});

document.getElementById("skip-link").addEventListener("click", () => {
  const heading = main.querySelector("h1");
  (heading || main).focus();
});

window.addEventListener("hashchange", render);

async function start() {
  await restoreSession();
  await render();
  document.documentElement.dataset.ready = "true";
}

start();
