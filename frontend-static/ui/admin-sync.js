// Admin: sync sources (add with credentials, edit, enable/disable, run now, delete), a source's run
// history, and one run with its per-asset diagnostics.

import { h, replace, externalLink, formatDuration, formatNumber, plural, timeElement } from "./dom.js";
import { api } from "./api.js";
import { href, navigate } from "./router.js";
import { pageTitle, reload } from "./app.js";
import { adminTabs } from "./admin.js";
import { ask, busy, card, definitionList, empty, errorBox, field, formError, loading, pageHeader, statusBadge, table, toast } from "./components.js";

const SOURCE_KINDS = [
  ["git", "Git repository"],
  ["github_org", "GitHub organisation"],
  ["gitlab_group", "GitLab group"],
];

function intervalText(seconds) {
  const value = Number(seconds) || 0;
  if (value % 86400 === 0) return `every ${plural(value / 86400, "day")}`;
  if (value % 3600 === 0) return `every ${plural(value / 3600, "hour")}`;
  if (value % 60 === 0) return `every ${plural(value / 60, "minute")}`;
  return `every ${plural(value, "second")}`;
}

function counts(run) {
  if (!run) return null;
  const parts = [["created", run.created], ["updated", run.updated], ["unchanged", run.unchanged], ["removed", run.removed], ["failed", run.failed]].filter(([, n]) => n);
  return parts.length ? parts.map(([label, n]) => `${formatNumber(n)} ${label}`).join(" · ") : "no changes";
}

const isRunning = (run) => run && (run.status === "running" || run.status === "queued" || !run.finished_at);

/** Starts a run and opens its page. */
async function runNow(source, button) {
  await busy(button, async () => {
    const started = await api.post(`/admin/sync-sources/${source.id}/sync`);
    toast(`Sync of ${source.name} started.`);
    navigate(`/admin/sync-runs/${started.run_id}`);
  });
}

async function setEnabled(source, enabled, button, after) {
  await busy(button, async () => {
    await api.put(`/admin/sync-sources/${source.id}`, { enabled });
    toast(`${source.name} is ${enabled ? "enabled" : "disabled"}.`);
    await after();
  });
}

async function removeSource(source, button, after) {
  const ok = await ask({ title: `Delete the source ${source.name}?`, message: "Its run history goes with it. The assets it synced stay in the registry.", confirmLabel: "Delete source", danger: true });
  if (ok) {
    await busy(button, async () => {
      await api.del(`/admin/sync-sources/${source.id}`);
      toast(`${source.name} is deleted.`);
      await after();
    });
  }
}

// ---- the form (add and edit) ----

/**
 * The fields of a source. With `existing`, it edits: an empty token keeps the stored
 * credentials unless "remove" is ticked.
 */
function sourceForm({ existing, onSaved }) {
  const kind = field("Type", { name: "kind", options: SOURCE_KINDS, value: existing?.kind || "git" });
  const name = field("Name", { name: "name", value: existing?.name, placeholder: "team-skills", hint: "Shown in lists; defaults to the repository's path.", maxlength: "100" });
  const url = field("Repository URL", { name: "url", type: "url", value: existing?.kind === "git" ? existing.url : "", placeholder: "https://gitlab.example.com/team/skills.git", hint: "https://, http://, git:// or ssh://user@host:port/path." });
  const organization = field("Organisation", { name: "organization", value: existing?.kind === "github_org" ? existing.url : "", placeholder: "my-company" });
  const group = field("Group", { name: "group", value: existing?.kind === "gitlab_group" ? existing.url : "", placeholder: "team/sub-group" });
  const apiUrl = field("API URL", { name: "api_url", type: "url", value: existing?.api_url, placeholder: "https://gitlab.example.com", hint: "GitHub: https://api.github.com (default). GitLab: the instance's address." });
  const branch = field("Branch", { name: "branch", value: existing?.branch, placeholder: "default branch", autocomplete: "off" });
  const subPath = field("Folder in the repository", { name: "sub_path", value: existing?.sub_path, placeholder: "skills/", autocomplete: "off", hint: "Only this folder is searched for assets." });
  const minutes = field("Sync every (minutes)", { name: "interval", type: "number", value: String(Math.round((existing?.interval_seconds ?? 3600) / 60)), min: "1", max: "10080", required: true });
  const enabled = field("Enabled — sync on the schedule", { name: "enabled", type: "checkbox", checked: existing ? existing.enabled : true });
  const token = field("Access token", { name: "token", type: "password", autocomplete: "new-password", placeholder: existing?.has_credentials ? "stored — leave empty to keep it" : "personal or project access token", hint: "Stored sealed on the server and never shown again." });
  const username = field("Token user name", { name: "username", autocomplete: "off", placeholder: "oauth2", hint: "Only if your server needs one with the token (GitLab: oauth2)." });
  const sshKey = field("SSH private key", { name: "ssh_private_key", type: "textarea", rows: 4, placeholder: "-----BEGIN OPENSSH PRIVATE KEY-----", hint: "For ssh:// URLs (ed25519 recommended)." });
  const fingerprint = field("SSH host fingerprint", { name: "ssh_host_fingerprint", placeholder: "SHA256:…", autocomplete: "off", hint: "As ssh-keygen -lf host_key.pub prints it." });
  const clear = existing?.has_credentials ? field("Remove the stored credentials", { name: "clear_credentials", type: "checkbox" }) : null;
  const errors = h("div", { class: "form-errors" });
  const submit = h("button", { type: "submit", class: "button button-primary" }, existing ? "Save changes" : "Add source");

  const sshBox = h("details", { class: "subtle-details" }, h("summary", {}, "SSH key (for ssh:// URLs)"), sshKey.row, fingerprint.row);
  const showFor = () => {
    const value = kind.input.value;
    url.row.hidden = value !== "git";
    branch.row.hidden = value !== "git";
    organization.row.hidden = value !== "github_org";
    group.row.hidden = value !== "gitlab_group";
    apiUrl.row.hidden = value === "git";
    sshBox.hidden = value !== "git";
    url.input.required = value === "git";
  };
  kind.input.addEventListener("change", showFor);
  showFor();

  const form = h(
    "form",
    {
      class: "form source-form",
      novalidate: true,
      on: {
        submit: (event) => {
          event.preventDefault();
          const type = kind.input.value;
          const body = { kind: type, interval_seconds: Math.round(Number(minutes.input.value) * 60), enabled: enabled.input.checked };
          if (name.input.value.trim()) body.name = name.input.value.trim();
          if (type === "git") {
            if (!url.input.value.trim()) {
              formError(errors, new Error("Enter the repository URL."));
              url.input.focus();
              return;
            }
            body.url = url.input.value.trim();
            body.branch = branch.input.value.trim();
            if (sshKey.input.value.trim()) {
              body.ssh_private_key = sshKey.input.value.trim() + "\n";
              body.ssh_host_fingerprint = fingerprint.input.value.trim();
            }
          } else {
            if (type === "github_org") body.organization = organization.input.value.trim();
            else body.group = group.input.value.trim();
            if (apiUrl.input.value.trim()) body.api_url = apiUrl.input.value.trim();
          }
          body.sub_path = subPath.input.value.trim();
          if (token.input.value) {
            body.token = token.input.value;
            if (username.input.value.trim()) body.username = username.input.value.trim();
          } else if (clear?.input.checked) {
            body.token = "";
          }
          busy(submit, async () => {
            const saved = existing ? await api.put(`/admin/sync-sources/${existing.id}`, body) : await api.post("/admin/sync-sources", body);
            token.input.value = "";
            sshKey.input.value = "";
            toast(existing ? `${saved.name} is saved.` : `${saved.name} is added. Run it now or wait for its schedule.`);
            await onSaved(saved);
          }, errors);
        },
      },
    },
    h("div", { class: "form-grid" }, kind.row, name.row, url.row, organization.row, group.row, apiUrl.row, branch.row, subPath.row, minutes.row),
    h("fieldset", { class: "fieldset" }, h("legend", {}, "Credentials"), h("p", { class: "muted small" }, existing?.has_credentials ? `Stored: ${existing.credential_kind}. A new token replaces it.` : "Leave empty for public repositories."), h("div", { class: "form-grid" }, token.row, username.row), sshBox, clear ? clear.row : null),
    enabled.row,
    errors,
    h("div", { class: "form-actions" }, submit),
  );
  return form;
}

// ---- list ----

export async function syncSourcesPage(root) {
  const listTarget = h("div", {}, loading("Loading sources…"));
  const addCard = h("div", { id: "add-source", hidden: true });
  const addButton = h("button", { type: "button", class: "button button-primary", "aria-expanded": "false", "aria-controls": "add-source" }, "Add source");
  const toggleAdd = (open) => {
    addCard.hidden = !open;
    addButton.setAttribute("aria-expanded", String(open));
    if (open) addCard.querySelector("input, select")?.focus();
  };
  addButton.addEventListener("click", () => toggleAdd(addCard.hidden));
  // A fresh, empty form after each source added.
  const resetAddForm = () => replace(addCard, card("Add a sync source", sourceForm({ onSaved: async () => { toggleAdd(false); resetAddForm(); await loadList(); } })));
  resetAddForm();

  replace(root, pageHeader("Sync sources", { subtitle: "Git repositories, GitHub organisations and GitLab groups the registry keeps itself in sync with.", actions: addButton }), adminTabs("/admin/sync"), addCard, listTarget);

  async function loadList() {
    try {
      const sources = await api.get("/admin/sync-sources");
      if (!sources.length) {
        replace(listTarget, empty("No sync sources yet", "Add a repository and the registry imports its skills, agents and MCP tools."));
        toggleAdd(true);
        return;
      }
      // Cards rather than a table: each source stays readable, error and actions included, on a phone.
      const items = sources.map((source) => {
        const run = source.last_run;
        const kindText = SOURCE_KINDS.find(([value]) => value === source.kind)?.[1] || source.kind;
        return h(
          "li",
          { class: "source-item", dataset: { source: source.name } },
          h(
            "div",
            { class: "source-head" },
            h("h2", { class: "source-name" }, h("a", { href: href(`/admin/sync/${source.id}`) }, source.name)),
            source.enabled ? statusBadge("active") : statusBadge("disabled"),
            h("span", { class: "muted small" }, kindText),
          ),
          h("p", { class: "source-url" }, h("code", { class: "url" }, source.url)),
          h(
            "p",
            { class: "source-meta muted small" },
            [source.branch ? `branch ${source.branch}` : null, source.sub_path ? `folder ${source.sub_path}` : null, intervalText(source.interval_seconds), source.has_credentials ? `credentials: ${source.credential_kind}` : "no credentials"].filter(Boolean).join(" · "),
          ),
          h(
            "div",
            { class: "source-run" },
            h("span", { class: "source-run-label" }, "Last run"),
            run
              ? [h("a", { href: href(`/admin/sync-runs/${run.id}`), "aria-label": `Run ${run.id}: ${run.status}` }, statusBadge(run.status)), " ", timeElement(run.finished_at || run.started_at, "relative"), h("span", { class: "muted small" }, ` · ${counts(run)}`), run.error ? h("p", { class: "error-detail small" }, run.error) : null]
              : h("span", { class: "muted" }, "never run"),
          ),
          h(
            "div",
            { class: "button-row source-actions" },
            h("button", { type: "button", class: "button button-small button-primary", "aria-label": `Run ${source.name} now`, on: { click: (event) => runNow(source, event.currentTarget) } }, "Run now"),
            h("a", { class: "button button-small", href: href(`/admin/sync/${source.id}`), "aria-label": `Edit ${source.name} and see its history` }, "Edit & history"),
            h("button", { type: "button", class: "button button-small", "aria-label": `${source.enabled ? "Disable" : "Enable"} ${source.name}`, on: { click: (event) => setEnabled(source, !source.enabled, event.currentTarget, loadList) } }, source.enabled ? "Disable" : "Enable"),
            h("button", { type: "button", class: "button button-small button-danger-quiet", "aria-label": `Delete ${source.name}`, on: { click: (event) => removeSource(source, event.currentTarget, loadList) } }, "Delete"),
          ),
        );
      });
      replace(listTarget, h("ul", { class: "source-list", "aria-label": "Sync sources" }, items));
    } catch (error) {
      replace(listTarget, errorBox(error, loadList));
    }
  }
  await loadList();
}

// ---- one source ----

export async function syncSourcePage(root, { values }) {
  replace(root, loading("Loading the source…"));
  let source;
  try {
    source = await api.get(`/admin/sync-sources/${encodeURIComponent(values.id)}`);
  } catch (error) {
    replace(root, adminTabs("/admin/sync"), errorBox(error), h("p", {}, h("a", { href: href("/admin/sync") }, "← All sync sources")));
    return;
  }
  pageTitle(`Sync source ${source.name}`);
  const runsTarget = h("div", {}, loading("Loading runs…"));
  const actions = [
    h("button", { type: "button", class: "button button-primary", on: { click: (event) => runNow(source, event.currentTarget) } }, "Run now"),
    h("button", { type: "button", class: "button", on: { click: (event) => setEnabled(source, !source.enabled, event.currentTarget, async () => reload()) } }, source.enabled ? "Disable" : "Enable"),
    h("button", { type: "button", class: "button button-danger-quiet", on: { click: (event) => removeSource(source, event.currentTarget, async () => navigate("/admin/sync")) } }, "Delete"),
  ];
  replace(
    root,
    h("p", { class: "breadcrumb" }, h("a", { href: href("/admin/sync") }, "← Sync sources")),
    pageHeader(source.name, { subtitle: source.url, actions }),
    adminTabs("/admin/sync"),
    h(
      "div",
      { class: "two-columns" },
      card(
        "Source",
        definitionList([
          ["Type", SOURCE_KINDS.find(([value]) => value === source.kind)?.[1] || source.kind],
          ["URL", source.kind === "git" ? externalLink(source.url, source.url) : source.url],
          source.api_url ? ["API", source.api_url] : null,
          ["Branch", source.branch || "default"],
          ["Folder", source.sub_path || "whole repository"],
          ["Schedule", `${intervalText(source.interval_seconds)}${source.enabled ? "" : " (disabled)"}`],
          ["Status", source.enabled ? statusBadge("active") : statusBadge("disabled")],
          ["Credentials", source.has_credentials ? source.credential_kind : "none"],
          ["Added", timeElement(source.created_at)],
        ]),
      ),
      card("Edit", sourceForm({ existing: source, onSaved: async () => reload() })),
    ),
    card("Run history", runsTarget),
  );

  async function loadRuns() {
    try {
      const runs = await api.get(`/admin/sync-sources/${source.id}/runs`);
      if (!runs.length) {
        replace(runsTarget, empty("Not run yet", "Press Run now, or wait for the schedule (when the server's scheduler is on)."));
        return false;
      }
      replace(runsTarget, runsTable(runs));
      return runs.some(isRunning);
    } catch (error) {
      replace(runsTarget, errorBox(error, loadRuns));
      return false;
    }
  }
  poll(root, loadRuns);
  await loadRuns();
}

function runsTable(runs) {
  return table(
    ["Run", "Status", "Started", "Took", "Commit", "Changes", "Error"],
    runs.map((run) =>
      h(
        "tr",
        {},
        h("td", {}, h("a", { href: href(`/admin/sync-runs/${run.id}`) }, `#${run.id}`), h("span", { class: "muted small block" }, run.trigger)),
        h("td", {}, statusBadge(run.status)),
        h("td", { class: "nowrap" }, timeElement(run.started_at)),
        h("td", { class: "nowrap" }, formatDuration(run.started_at, run.finished_at)),
        h("td", {}, run.commit ? h("code", { title: run.commit }, run.commit.slice(0, 10)) : "—"),
        h("td", {}, counts(run)),
        h("td", { class: "wrap" }, run.error ? h("span", { class: "error-detail" }, run.error) : "—"),
      ),
    ),
    { caption: "Run history", className: "runs-table" },
  );
}

/** Calls `load` again every 1.5 s while it answers true and the page is on screen. */
function poll(root, load) {
  const tick = async () => {
    if (!root.isConnected) return;
    if (await load()) window.setTimeout(tick, 1500);
  };
  window.setTimeout(tick, 1500);
}

// ---- one run ----

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

export async function syncRunPage(root, { values }) {
  const header = h("div", {});
  const body = h("div", {}, loading("Loading the run…"));
  replace(root, header, adminTabs("/admin/sync"), body);
  let sourceName = null;

  async function load() {
    let run;
    try {
      run = await api.get(`/admin/sync-runs/${encodeURIComponent(values.id)}`);
    } catch (error) {
      replace(body, errorBox(error));
      return false;
    }
    if (sourceName === null) {
      try {
        sourceName = (await api.get(`/admin/sync-sources/${run.source_id}`)).name;
      } catch {
        sourceName = `source ${run.source_id}`;
      }
      pageTitle(`Sync run #${run.id} of ${sourceName}`);
    }
    const running = isRunning(run);
    replace(
      header,
      h("p", { class: "breadcrumb" }, h("a", { href: href(`/admin/sync/${run.source_id}`) }, `← ${sourceName}`)),
      pageHeader(`Sync run #${run.id}`, {
        subtitle: `${sourceName} · ${run.trigger}`,
        actions: h("span", { class: "run-status", role: "status", "aria-live": "polite" }, statusBadge(run.status), running ? h("span", { class: "muted small" }, " still running…") : null),
      }),
    );
    const diagnostics = [...(run.diagnostics || [])].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3) || a.path.localeCompare(b.path));
    const problems = diagnostics.filter((entry) => entry.severity !== "info").length;
    replace(
      body,
      run.error ? h("div", { class: "banner banner-danger", role: "alert" }, h("strong", {}, "The run failed: "), run.error) : null,
      h(
        "ul",
        { class: "stat-grid stat-grid-small", "aria-label": "Changes" },
        [["Created", run.created], ["Updated", run.updated], ["Unchanged", run.unchanged], ["Removed", run.removed], ["Failed", run.failed]].map(([label, value]) => h("li", { class: label === "Failed" && value ? "stat stat-bad" : "stat" }, h("span", { class: "stat-label" }, label), h("span", { class: "stat-value" }, formatNumber(value)))),
      ),
      card(
        "Run",
        definitionList([
          ["Started", timeElement(run.started_at)],
          ["Finished", run.finished_at ? timeElement(run.finished_at) : "not yet"],
          ["Took", formatDuration(run.started_at, run.finished_at)],
          ["Commit", run.commit ? h("code", {}, run.commit) : "—"],
        ]),
      ),
      card(
        `Diagnostics${diagnostics.length ? ` (${formatNumber(diagnostics.length)}${problems ? `, ${plural(problems, "problem")}` : ""})` : ""}`,
        diagnostics.length
          ? table(
              ["Severity", "Message", "Asset", "Path"],
              diagnostics.map((entry) =>
                h(
                  "tr",
                  { class: `severity-${entry.severity}` },
                  h("td", {}, statusBadge(entry.severity)),
                  h("td", { class: "wrap" }, entry.message),
                  h("td", { class: "nowrap" }, entry.name && entry.kind ? h("a", { href: href(`/assets/${entry.kind}/${entry.name}`) }, entry.name) : h("span", { class: "muted" }, entry.kind ? `${entry.kind} (not imported)` : "—")),
                  h("td", {}, h("code", {}, entry.path || "/")),
                ),
              ),
              { caption: "Diagnostics", className: "diagnostics-table" },
            )
          : empty(running ? "Nothing reported yet" : "Nothing to report", running ? "Diagnostics appear as the run goes." : "The run found nothing to add, change or complain about."),
      ),
    );
    return running;
  }
  poll(root, load);
  await load();
}
