// Admin: dashboard (counts, installs per day, sync health), assets, users, audit log.

import { h, replace, formatNumber, plural, timeElement } from "./dom.js";
import { api, assetPath, session } from "./api.js";
import { href, navigate } from "./router.js";
import { KINDS, ask, badge, busy, card, empty, errorBox, field, kindBadge, loading, pageHeader, pager, statusBadge, table, toast } from "./components.js";

const TABS = [
  ["/admin", "Dashboard"],
  ["/admin/assets", "Assets"],
  ["/admin/users", "Users"],
  ["/admin/sync", "Sync sources"],
  ["/admin/audit", "Audit log"],
];

/** The admin section's own navigation. */
export function adminTabs(active) {
  return h(
    "nav",
    { class: "tabs", "aria-label": "Admin sections" },
    h("ul", {}, TABS.map(([path, label]) => h("li", {}, h("a", { href: href(path), class: "tab", "aria-current": path === active ? "page" : null }, label)))),
  );
}

function pageNumber(params) {
  return Math.max(1, Number.parseInt(params.page || "1", 10) || 1);
}

// ---- dashboard ----

export async function adminDashboardPage(root) {
  const body = h("div", {}, loading("Loading figures…"));
  replace(root, pageHeader("Admin dashboard", { subtitle: "How the registry is used and whether its sources sync." }), adminTabs("/admin"), body);
  let stats;
  try {
    stats = await api.get("/admin/stats");
  } catch (error) {
    replace(body, errorBox(error, () => adminDashboardPage(root)));
    return;
  }
  const assets = stats.assets || {};
  const tiles = [
    ["Users", stats.users, `${plural(stats.admins, "admin")}`, href("/admin/users")],
    ["Skills", assets.skill, "active and deprecated", href("/admin/assets", { type: "skill" })],
    ["Agents", assets.agent, "active and deprecated", href("/admin/assets", { type: "agent" })],
    ["Tools", assets.tool, "MCP servers", href("/admin/assets", { type: "tool" })],
    ["Versions", stats.versions, "published in all", null],
    ["Installs", stats.installs_total, "recorded in all", null],
  ];
  replace(
    body,
    h(
      "ul",
      { class: "stat-grid", "aria-label": "Counts" },
      tiles.map(([label, value, note, link]) => h("li", { class: "stat" }, h("span", { class: "stat-label" }, label), h("span", { class: "stat-value" }, link ? h("a", { href: link }, formatNumber(value)) : formatNumber(value)), h("span", { class: "stat-note" }, note))),
    ),
    h("div", { class: "dashboard-grid" }, card("Installs per day", installsChart(stats.installs_by_day || [])), card("Sync health", syncHealth(stats.sync || {}))),
  );
}

/** Thirty bars drawn with elements; heights set through the CSSOM (allowed by the CSP). */
function installsChart(days) {
  const max = Math.max(1, ...days.map((day) => Number(day.count) || 0));
  const total = days.reduce((sum, day) => sum + (Number(day.count) || 0), 0);
  const label = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
  const dayText = (day) => label.format(new Date(`${day.day}T00:00:00Z`));
  const bars = days.map((day, index) => {
    const count = Number(day.count) || 0;
    const bar = h("span", { class: count ? "bar" : "bar bar-empty" });
    bar.style.height = `${Math.max(count ? 4 : 1, (count / max) * 100)}%`;
    return h(
      "li",
      { class: "bar-col", title: `${dayText(day)}: ${formatNumber(count)}` },
      bar,
      h("span", { class: "visually-hidden" }, `${dayText(day)}: ${formatNumber(count)} installs`),
      h("span", { class: (days.length - 1 - index) % 7 === 0 ? "bar-label" : "bar-label bar-label-hidden", "aria-hidden": "true" }, dayText(day)),
    );
  });
  return h(
    "figure",
    { class: "chart" },
    h("div", { class: "chart-scale", "aria-hidden": "true" }, h("span", {}, formatNumber(max)), h("span", {}, "0")),
    h("ol", { class: "bars", "aria-label": "Installs per day" }, bars),
    h("figcaption", { class: "muted small" }, `${plural(total, "install")} in the last 30 days (days in UTC).`),
  );
}

function syncHealth(sync) {
  const byStatus = Object.entries(sync.by_last_status || {});
  return h(
    "div",
    { class: "sync-health" },
    h("p", {}, `${plural(sync.sources || 0, "source")}, ${formatNumber(sync.enabled || 0)} enabled.`),
    byStatus.length ? h("ul", { class: "inline-list", "aria-label": "Sources by last run" }, byStatus.map(([status, count]) => h("li", {}, statusBadge(status), " ", formatNumber(count)))) : null,
    sync.failing?.length
      ? h(
          "div",
          {},
          h("h3", { class: "small-title" }, "Needs attention"),
          h(
            "ul",
            { class: "failing-list" },
            sync.failing.map((source) => h("li", {}, h("a", { href: href(`/admin/sync/${source.id}`) }, source.name), " ", statusBadge(source.status), " ", timeElement(source.finished_at, "relative"), source.error ? h("p", { class: "error-detail small" }, source.error) : null)),
          ),
        )
      : h("p", { class: "ok-line" }, sync.sources ? "Every source synced cleanly on its last run." : "No sync sources yet."),
    h("p", {}, h("a", { href: href("/admin/sync") }, "Manage sync sources →")),
  );
}

// ---- assets ----

const ADMIN_TYPES = { skill: "skill", agent: "agent", tool: "mcp" };

export async function adminAssetsPage(root, { params }) {
  const q = field("Search", { name: "q", type: "search", placeholder: "name or words", autocomplete: "off" });
  const type = field("Kind", { name: "type", options: [["", "All kinds"], ...KINDS.map(({ kind, plural: label }) => [kind, label])] });
  const go = () => navigate("/admin/assets", { q: q.input.value.trim(), type: type.input.value });
  type.input.addEventListener("change", go);
  const form = h("form", { class: "filters filters-compact", role: "search", on: { submit: (event) => { event.preventDefault(); go(); } } }, h("div", { class: "filters-row" }, q.row, type.row, h("div", { class: "field field-button" }, h("button", { type: "submit", class: "button button-primary" }, "Search"))));
  const summary = h("p", { class: "result-summary", role: "status", "aria-live": "polite" });
  const results = h("div", {});
  replace(root, pageHeader("Assets", { subtitle: "Every asset, deleted ones included. Deprecate, delete, restore or yank a version." }), adminTabs("/admin/assets"), form, summary, results);

  let current = params;
  async function update(next) {
    current = next;
    q.input.value = next.q || "";
    type.input.value = next.type || "";
    replace(results, loading());
    try {
      const data = await api.get("/admin/assets", { q: next.q, type: ADMIN_TYPES[next.type], page: pageNumber(next), size: 25 });
      summary.textContent = plural(data.total, "asset");
      if (!data.items.length) {
        replace(results, empty("No assets match", "Clear the search or pick another kind."));
        return;
      }
      replace(results, table(["Name", "Kind", "Owner", "Version", "Installs", "Status", "Updated", "Actions"], data.items.map((asset) => assetRow(asset, () => update(current))), { caption: "Assets", className: "admin-assets-table" }), pager("/admin/assets", { q: next.q, type: next.type }, data));
    } catch (error) {
      replace(results, errorBox(error, () => update(next)));
    }
  }
  await update(params);
  return { update };
}

function assetRow(asset, refresh) {
  const path = assetPath(asset.kind, asset.name);
  const deleted = asset.status === "deleted";
  const act = (label, className, handler, aria) => h("button", { type: "button", class: `button button-small ${className}`, "aria-label": `${aria || label} ${asset.name}`, on: { click: (event) => handler(event.currentTarget) } }, label);
  const actions = [];
  if (!deleted) {
    actions.push(
      asset.deprecation_message
        ? act("Undeprecate", "", (button) => busy(button, async () => { await api.del(`${path}/deprecation`); toast(`${asset.name}: deprecation withdrawn.`); await refresh(); }))
        : act("Deprecate", "", async (button) => {
            const message = await ask({ title: `Deprecate ${asset.name}`, input: { label: "Message", placeholder: "use another-skill instead" }, confirmLabel: "Deprecate" });
            if (message) await busy(button, async () => { await api.put(`${path}/deprecation`, { message }); toast(`${asset.name} is deprecated.`); await refresh(); });
          }),
      act("Yank…", "", (button) => yankDialog(asset, button, refresh), "Yank a version of"),
      act("Delete", "button-danger-quiet", async (button) => {
        const ok = await ask({ title: `Delete ${asset.name}?`, message: "It disappears from search and installs; it can be restored.", confirmLabel: "Delete", danger: true });
        if (ok) await busy(button, async () => { await api.del(path); toast(`${asset.name} is deleted.`); await refresh(); });
      }),
    );
  } else {
    actions.push(act("Restore", "button-primary", (button) => busy(button, async () => { await api.post(`${path}/restore`); toast(`${asset.name} is restored.`); await refresh(); })));
  }
  return h(
    "tr",
    { dataset: { asset: `${asset.kind}/${asset.name}` } },
    h("td", {}, h("a", { href: href(`/assets/${asset.kind}/${asset.name}`) }, asset.name)),
    h("td", {}, kindBadge(asset.kind)),
    h("td", {}, asset.owner),
    h("td", {}, asset.latest_version ? `v${asset.latest_version}` : "—"),
    h("td", { class: "num" }, formatNumber(asset.installs)),
    h("td", {}, statusBadge(asset.status), asset.deprecation_message ? [" ", badge("deprecated", "warning")] : null),
    h("td", { class: "nowrap" }, timeElement(asset.updated_at, "relative")),
    h("td", { class: "actions-cell" }, h("div", { class: "button-row" }, actions)),
  );
}

async function yankDialog(asset, button, refresh) {
  let detail;
  try {
    detail = await api.get(assetPath(asset.kind, asset.name));
  } catch (error) {
    toast(error.detail, "error");
    return;
  }
  const versions = detail.versions.filter((version) => !version.yanked);
  if (!versions.length) {
    toast(`${asset.name} has no version left to yank.`, "error");
    return;
  }
  const values = await ask({
    title: `Yank a version of ${asset.name}`,
    message: "A yanked version is not installed unless asked for by exact number. Un-yank it from the asset's page.",
    fields: [
      { name: "version", label: "Version", options: versions.map((version) => [version.version, `v${version.version}`]), value: versions[0].version },
      { name: "reason", label: "Reason", placeholder: "breaks on Windows paths" },
    ],
    confirmLabel: "Yank",
    danger: true,
  });
  if (!values) return;
  await busy(button, async () => {
    await api.post(`${assetPath(asset.kind, asset.name)}/versions/${encodeURIComponent(values.version)}/yank`, { reason: values.reason });
    toast(`${asset.name} v${values.version} is yanked.`);
    await refresh();
  });
}

// ---- users ----

export async function adminUsersPage(root, { params }) {
  const q = field("Search", { name: "q", type: "search", placeholder: "username or e-mail", autocomplete: "off" });
  const form = h("form", { class: "filters filters-compact", role: "search", on: { submit: (event) => { event.preventDefault(); navigate("/admin/users", { q: q.input.value.trim() }); } } }, h("div", { class: "filters-row" }, q.row, h("div", { class: "field field-button" }, h("button", { type: "submit", class: "button button-primary" }, "Search"))));
  const summary = h("p", { class: "result-summary", role: "status", "aria-live": "polite" });
  const results = h("div", {});
  replace(root, pageHeader("Users", { subtitle: "Roles and access. Admins manage sources, users and every asset." }), adminTabs("/admin/users"), form, summary, results);

  let current = params;
  async function update(next) {
    current = next;
    q.input.value = next.q || "";
    replace(results, loading());
    try {
      const data = await api.get("/admin/users", { q: next.q, page: pageNumber(next), size: 25 });
      summary.textContent = plural(data.total, "user");
      if (!data.items.length) {
        replace(results, empty("No users match"));
        return;
      }
      replace(results, table(["User", "E-mail", "Role", "Status", "Joined", "Actions"], data.items.map((user) => userRow(user, () => update(current))), { caption: "Users", className: "users-table" }), pager("/admin/users", { q: next.q }, data));
    } catch (error) {
      replace(results, errorBox(error, () => update(next)));
    }
  }
  await update(params);
  return { update };
}

function userRow(user, refresh) {
  const isSelf = session.user?.id === user.id;
  const nextRole = user.role === "admin" ? "user" : "admin";
  const roleButton = h("button", {
    type: "button",
    class: "button button-small",
    "aria-label": nextRole === "admin" ? `Make ${user.username} an admin` : `Make ${user.username} a regular user`,
    on: {
      click: async (event) => {
        const button = event.currentTarget;
        const ok = await ask({ title: nextRole === "admin" ? `Make ${user.username} an admin?` : `Remove admin rights from ${user.username}?`, message: nextRole === "admin" ? "Admins manage users, sync sources and every asset." : "They keep their account and their assets.", confirmLabel: nextRole === "admin" ? "Make admin" : "Make user" });
        if (ok) await busy(button, async () => { await api.put(`/admin/users/${user.id}/role`, { role: nextRole }); toast(`${user.username} is now ${nextRole === "admin" ? "an admin" : "a user"}.`); await refresh(); });
      },
    },
  }, nextRole === "admin" ? "Make admin" : "Make user");
  const activeButton = user.is_active
    ? h("button", {
        type: "button",
        class: "button button-small button-danger-quiet",
        disabled: isSelf,
        title: isSelf ? "You cannot disable your own account" : null,
        "aria-label": `Disable ${user.username}`,
        on: {
          click: async (event) => {
            const button = event.currentTarget;
            const ok = await ask({ title: `Disable ${user.username}?`, message: "They can no longer log in or use their API keys until enabled again.", confirmLabel: "Disable", danger: true });
            if (ok) await busy(button, async () => { await api.put(`/admin/users/${user.id}/disable`); toast(`${user.username} is disabled.`); await refresh(); });
          },
        },
      }, "Disable")
    : h("button", { type: "button", class: "button button-small", "aria-label": `Enable ${user.username}`, on: { click: (event) => busy(event.currentTarget, async () => { await api.put(`/admin/users/${user.id}/enable`); toast(`${user.username} is enabled.`); await refresh(); }) } }, "Enable");
  return h(
    "tr",
    { dataset: { username: user.username } },
    h("td", {}, h("strong", {}, user.username), isSelf ? h("span", { class: "muted small" }, " (you)") : null, user.display_name ? h("span", { class: "muted small block" }, user.display_name) : null),
    h("td", {}, user.email),
    h("td", { class: "role-cell" }, user.role === "admin" ? badge("admin", "info") : badge("user", "neutral")),
    h("td", {}, user.is_active ? statusBadge("active") : statusBadge("disabled")),
    h("td", {}, timeElement(user.created_at, "date")),
    h("td", { class: "actions-cell" }, h("div", { class: "button-row" }, roleButton, activeButton)),
  );
}

// ---- audit log ----

/** The audit entry's detail is a JSON object in a string; shown as key: value pairs. */
function auditDetail(detail) {
  if (!detail) return h("span", { class: "muted" }, "—");
  let parsed = detail;
  if (typeof detail === "string") {
    try {
      parsed = JSON.parse(detail);
    } catch {
      return h("span", { class: "wrap" }, detail);
    }
  }
  if (!parsed || typeof parsed !== "object") return h("span", {}, String(parsed));
  const shown = (value) => {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return /^sha256:[0-9a-f]{64}$/.test(text) ? h("code", { title: text }, `${text.slice(0, 19)}…`) : text;
  };
  return h("ul", { class: "kv-list" }, Object.entries(parsed).map(([key, value]) => h("li", {}, h("span", { class: "kv-key" }, `${key}: `), h("span", { class: "kv-value" }, shown(value)))));
}

/** User names by id, for showing "maria" where the log says user:2 (one page of up to 100 users). */
async function userNames() {
  try {
    const page = await api.get("/admin/users", { size: 100 });
    return new Map(page.items.map((user) => [String(user.id), user.username]));
  } catch {
    return new Map();
  }
}

function actorText(entry, names) {
  const id = entry.actor_user_id != null ? String(entry.actor_user_id) : (/^user:(\d+)$/.exec(entry.actor || "") || [])[1];
  const name = id && names.get(id);
  return name ? h("span", { title: entry.actor }, name) : entry.actor || "—";
}

function targetText(entry, names) {
  if (!entry.target_type) return "—";
  if (entry.target_type === "user" && names.get(String(entry.target_id))) return `user ${names.get(String(entry.target_id))}`;
  return `${entry.target_type.replace(/_/g, " ")} ${entry.target_id ?? ""}`.trim();
}

export async function adminAuditPage(root, { params }) {
  const action = field("Action", { name: "action", placeholder: "e.g. auth.login, asset.delete", autocomplete: "off" });
  const form = h("form", { class: "filters filters-compact", on: { submit: (event) => { event.preventDefault(); navigate("/admin/audit", { action: action.input.value.trim() }); } } }, h("div", { class: "filters-row" }, action.row, h("div", { class: "field field-button" }, h("button", { type: "submit", class: "button button-primary" }, "Filter"))));
  const summary = h("p", { class: "result-summary", role: "status", "aria-live": "polite" });
  const results = h("div", {});
  replace(root, pageHeader("Audit log", { subtitle: "Who did what, newest first. Times are in your time zone." }), adminTabs("/admin/audit"), form, summary, results);

  const names = userNames();
  async function update(next) {
    action.input.value = next.action || "";
    replace(results, loading());
    try {
      const users = await names;
      const size = Math.min(100, Math.max(5, Number.parseInt(next.size || "50", 10) || 50));
      const data = await api.get("/admin/audit", { action: next.action, page: pageNumber(next), size });
      summary.textContent = `${plural(data.total, "entry", "entries")}${next.action ? ` for ${next.action}` : ""}`;
      if (!data.items.length) {
        replace(results, empty("No entries", next.action ? "Nothing was recorded with that action; actions look like auth.login or asset.delete." : "Nothing has been recorded yet."));
        return;
      }
      const rows = data.items.map((entry) =>
        h(
          "tr",
          {},
          h("td", { class: "nowrap" }, timeElement(entry.created_at)),
          h("td", { class: "nowrap" }, actorText(entry, users)),
          h("td", {}, h("code", {}, entry.action)),
          h("td", { class: "nowrap" }, targetText(entry, users)),
          h("td", {}, auditDetail(entry.detail)),
          h("td", { class: "nowrap" }, entry.client_ip || "—"),
        ),
      );
      replace(results, table(["When", "Actor", "Action", "Target", "Detail", "Client"], rows, { caption: "Audit log", className: "audit-table" }), pager("/admin/audit", { action: next.action, size: next.size }, data));
    } catch (error) {
      replace(results, errorBox(error, () => update(next)));
    }
  }
  await update(params);
  return { update };
}
