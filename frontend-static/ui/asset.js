// Asset detail: README, metadata, install command, versions (with yank), files, source, and for
// the owner or an admin: diagnostics, deprecation, delete and restore.

import { h, replace, externalLink, formatBytes, formatNumber, plural, timeElement } from "./dom.js";
import { api, assetPath, session } from "./api.js";
import { href } from "./router.js";
import { pageTitle, reload } from "./app.js";
import { ask, badge, busy, card, copyField, definitionList, empty, errorBox, installCommand, kindBadge, kindLabel, loading, statusBadge, table, tagList, toast } from "./components.js";

/**
 * The README is the one piece of HTML this UI inserts: the server renders the Markdown and
 * sanitises the result (no scripts, no event attributes, no styles). Links are then adjusted:
 * in-page anchors scroll instead of changing the route; other links open in a new tab when they
 * are http(s) and lose their href otherwise.
 */
function readmeElement(html) {
  const container = h("div", { class: "readme" });
  container.innerHTML = html; // server-sanitised readme_html only
  for (const link of container.querySelectorAll("a[href]")) {
    const target = link.getAttribute("href") || "";
    if (target.startsWith("#")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const id = decodeURIComponent(target.slice(1));
        const heading = id && container.querySelector(`[id="${CSS.escape(id)}"]`);
        if (heading) heading.scrollIntoView({ behavior: "smooth", block: "start" });
      });
    } else if (/^https?:\/\//i.test(target)) {
      link.setAttribute("target", "_blank");
      link.setAttribute("rel", "noopener noreferrer nofollow");
    } else {
      link.removeAttribute("href");
    }
  }
  return container;
}

/** Files as a folder tree with sizes; folders first, then files, each sorted by name. */
function fileTree(files) {
  const rootNode = { folders: new Map(), files: [] };
  for (const file of files) {
    const parts = file.path.split("/");
    let node = rootNode;
    for (const part of parts.slice(0, -1)) {
      if (!node.folders.has(part)) node.folders.set(part, { folders: new Map(), files: [] });
      node = node.folders.get(part);
    }
    node.files.push({ ...file, name: parts[parts.length - 1] });
  }
  const size = (node) => [...node.folders.values()].reduce((sum, child) => sum + size(child), 0) + node.files.reduce((sum, file) => sum + Number(file.size || 0), 0);
  const renderNode = (node) =>
    h(
      "ul",
      { class: "tree" },
      [...node.folders.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, child]) =>
        h("li", { class: "tree-folder" }, h("span", { class: "tree-row" }, h("span", { class: "tree-name" }, h("span", { class: "tree-icon", "aria-hidden": "true" }, "▸"), `${name}/`), h("span", { class: "tree-size" }, formatBytes(size(child)))), renderNode(child)),
      ),
      node.files.sort((a, b) => a.name.localeCompare(b.name)).map((file) =>
        h(
          "li",
          { class: "tree-file" },
          h(
            "span",
            { class: "tree-row", title: `sha256 ${file.sha256}` },
            h("span", { class: "tree-name" }, h("span", { class: "tree-icon", "aria-hidden": "true" }, "·"), file.name, (file.mode & 0o111) !== 0 ? badge("executable", "neutral") : null),
            h("span", { class: "tree-size" }, formatBytes(file.size)),
          ),
        ),
      ),
    );
  return h("div", { class: "file-tree", role: "group", "aria-label": "Files" }, renderNode(rootNode));
}

function sourceInfo(source) {
  if (!source || source.kind !== "git") return [["Source", "Published with agenthub publish"]];
  const commit = source.commit ? h("code", { class: "commit", title: source.commit }, source.commit.slice(0, 12)) : null;
  return [
    ["Repository", externalLink(source.git_url, source.git_url)],
    source.git_ref ? ["Branch", h("code", {}, source.git_ref)] : null,
    source.path ? ["Path", h("code", {}, source.path)] : null,
    ["Commit", commit],
  ];
}

function compatibilityText(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  return Object.entries(value).map(([key, item]) => `${key}: ${typeof item === "string" ? item : JSON.stringify(item)}`).join(", ");
}

function canManage(asset) {
  const user = session.user;
  return Boolean(user && (user.role === "admin" || user.username === asset.owner));
}

export async function assetPage(root, { values, params }) {
  const { kind, name } = values;
  replace(root, loading(`Loading ${name}…`));
  let detail;
  try {
    detail = await api.get(assetPath(kind, name));
  } catch (error) {
    replace(root, errorBox(error), h("p", {}, h("a", { href: href("/search", { q: name }) }, `Search for “${name}”`)));
    return;
  }
  const asset = detail.asset;
  pageTitle(`${asset.name} (${kindLabel(asset.kind)})`);
  const chosen = params.version && detail.versions.some((v) => v.version === params.version) ? params.version : asset.latest_version || detail.versions[0]?.version;
  let version = null;
  let versionError = null;
  if (chosen) {
    try {
      version = await api.get(`${assetPath(kind, name)}/versions/${encodeURIComponent(chosen)}`);
    } catch (error) {
      versionError = error;
    }
  }
  const manage = canManage(asset);
  const metadata = version?.metadata && typeof version.metadata === "object" ? version.metadata : {};

  // ---- banners and header ----
  const banners = [];
  if (asset.status === "deleted") {
    banners.push(h("div", { class: "banner banner-danger", role: "note" }, h("strong", {}, "Deleted. "), "Only admins can see this asset; it is hidden from lists and cannot be installed until it is restored."));
  } else if (asset.status === "removed") {
    banners.push(h("div", { class: "banner banner-warning", role: "note" }, h("strong", {}, "Removed from its source. "), "The repository it was synced from no longer contains it."));
  }
  if (asset.deprecation_message) {
    banners.push(h("div", { class: "banner banner-warning deprecation-banner", role: "note" }, h("strong", {}, "Deprecated: "), asset.deprecation_message));
  }

  const actions = [];
  if (manage && asset.status !== "deleted") {
    actions.push(
      asset.deprecation_message
        ? h("button", { type: "button", class: "button", on: { click: (event) => busy(event.currentTarget, async () => { await api.del(`${assetPath(kind, name)}/deprecation`); toast("Deprecation withdrawn."); reload(); }) } }, "Withdraw deprecation")
        : h("button", {
            type: "button",
            class: "button",
            on: {
              click: async (event) => {
                const button = event.currentTarget;
                const message = await ask({ title: `Deprecate ${name}`, message: "Users still can install it, but they see this message.", input: { label: "Message", placeholder: "use pdf-tools-v2 instead" }, confirmLabel: "Deprecate" });
                if (message) await busy(button, async () => { await api.put(`${assetPath(kind, name)}/deprecation`, { message }); toast(`${name} is deprecated.`); reload(); });
              },
            },
          }, "Deprecate"),
    );
  }
  if (session.isAdmin) {
    actions.push(
      asset.status === "deleted"
        ? h("button", { type: "button", class: "button button-primary", on: { click: (event) => busy(event.currentTarget, async () => { await api.post(`${assetPath(kind, name)}/restore`); toast(`${name} is restored.`); reload(); }) } }, "Restore")
        : h("button", {
            type: "button",
            class: "button button-danger",
            on: {
              click: async (event) => {
                const button = event.currentTarget;
                const ok = await ask({ title: `Delete ${name}?`, message: "It disappears from search and installs. Its versions stay stored, so an admin can restore it.", confirmLabel: "Delete", danger: true });
                if (ok) await busy(button, async () => { await api.del(assetPath(kind, name)); toast(`${name} is deleted.`); reload(); });
              },
            },
          }, "Delete"),
    );
  }

  const header = h(
    "div",
    { class: "asset-header" },
    h(
      "div",
      { class: "asset-heading" },
      h("div", { class: "asset-title-row" }, h("h1", { tabindex: "-1", class: "page-title" }, asset.name), kindBadge(asset.kind), asset.latest_version ? h("span", { class: "version" }, `v${asset.latest_version}`) : null),
      asset.description ? h("p", { class: "page-subtitle" }, asset.description) : null,
      tagList(asset.tags),
    ),
    actions.length ? h("div", { class: "page-actions" }, actions) : null,
  );

  // ---- main column ----
  const readmeHtml = version?.readme_html ?? detail.readme_html;
  const mainColumn = h(
    "div",
    { class: "asset-main" },
    card("README", readmeHtml ? readmeElement(readmeHtml) : empty("No README", "This version has no text beyond its manifest.")),
    toolCard(asset, metadata),
    referencesCard(version),
    filesCard(version, versionError, chosen, asset, manage),
    versionsCard(detail, chosen, manage, kind, name),
  );

  // ---- side column ----
  const facts = [
    ["Owner", asset.owner],
    ["Installs", h("span", { class: "install-count" }, formatNumber(asset.installs))],
    metadata.license ? ["License", metadata.license] : null,
    metadata.compatibility ? ["Compatibility", compatibilityText(metadata.compatibility)] : null,
    Array.isArray(metadata["allowed-tools"]) ? ["Allowed tools", metadata["allowed-tools"].join(", ")] : null,
    ["Updated", timeElement(asset.updated_at)],
    ["Created", timeElement(detail.created_at)],
    ["Origin", asset.origin === "sync" ? "Synced from git" : "Published"],
    ...sourceInfo(version?.source ?? detail.source),
    version?.publisher ? ["Published by", version.publisher] : null,
    version ? ["Digest", h("code", { class: "digest", title: version.digest }, version.digest.replace(/^sha256:/, "").slice(0, 16) + "…")] : null,
  ];
  const sideColumn = h(
    "aside",
    { class: "asset-side", "aria-label": "About this asset" },
    card("Install", h("p", { class: "muted small" }, "Run in your project:"), copyField(installCommand(asset.kind, asset.name)), chosen && chosen !== asset.latest_version ? h("p", { class: "small" }, "This version: ", h("code", {}, `${installCommand(asset.kind, `${asset.name}@${chosen}`)}`)) : null),
    card("Details", definitionList(facts)),
  );

  replace(root, ...banners, header, h("div", { class: "asset-layout" }, mainColumn, sideColumn));

  if (manage) {
    const target = h("div", {}, loading("Loading diagnostics…"));
    mainColumn.appendChild(card("Diagnostics", h("p", { class: "muted small" }, "Only the owner and admins see this."), target));
    await loadDiagnostics(target, kind, name);
  }
}

function toolCard(asset, metadata) {
  if (asset.kind !== "tool" || !metadata.server) return null;
  const variables = Array.isArray(metadata.variables_needed) ? metadata.variables_needed : [];
  return card(
    "Server configuration",
    definitionList([["Transport", metadata.transport || "stdio"], variables.length ? ["Variables to set", h("span", {}, variables.map((name, index) => [index ? ", " : "", h("code", {}, name)]))] : null]),
    h("pre", { class: "code-block" }, h("code", {}, JSON.stringify(metadata.server, null, 2))),
  );
}

function referencesCard(version) {
  if (!version?.references?.length) return null;
  return card(
    "Uses",
    h(
      "ul",
      { class: "reference-list" },
      version.references.map((reference) =>
        h(
          "li",
          {},
          reference.status === "missing" ? h("span", {}, reference.name) : h("a", { href: href(`/assets/${reference.kind}/${reference.name}`) }, reference.name),
          " ",
          h("span", { class: "muted" }, kindLabel(reference.kind)),
          " ",
          reference.status !== "active" ? statusBadge(reference.status) : null,
          reference.description ? h("span", { class: "muted small block" }, reference.description) : null,
        ),
      ),
    ),
  );
}

function filesCard(version, versionError, chosen, asset, manage) {
  if (versionError) return card("Files", errorBox(versionError));
  if (!version) return card("Files", empty("No versions", "Nothing has been published under this name yet."));
  return card(
    `Files in v${version.version}`,
    h("p", { class: "muted small" }, `${plural(version.files.length, "file")}, ${formatBytes(version.total_size)}`, chosen !== asset.latest_version ? " · not the latest version" : null),
    fileTree(version.files),
    version.warnings?.length && !(manage && chosen === asset.latest_version) ? h("div", { class: "warnings" }, h("h3", { class: "small-title" }, "Warnings"), h("ul", {}, version.warnings.map((warning) => h("li", {}, warning)))) : null,
  );
}

function versionsCard(detail, chosen, manage, kind, name) {
  const rows = detail.versions.map((item) => {
    const isChosen = item.version === chosen;
    const yankButton = !manage
      ? null
      : item.yanked
        ? h("button", { type: "button", class: "button button-small", on: { click: (event) => busy(event.currentTarget, async () => { await api.del(`${assetPath(kind, name)}/versions/${encodeURIComponent(item.version)}/yank`); toast(`v${item.version} is available again.`); reload(); }) } }, "Un-yank")
        : h("button", {
            type: "button",
            class: "button button-small button-danger-quiet",
            "aria-label": `Yank version ${item.version}`,
            on: {
              click: async (event) => {
                const button = event.currentTarget;
                const reason = await ask({ title: `Yank v${item.version}?`, message: "A yanked version is not installed unless asked for by exact number.", input: { label: "Reason", placeholder: "breaks on Windows paths" }, confirmLabel: "Yank", danger: true });
                if (reason) await busy(button, async () => { await api.post(`${assetPath(kind, name)}/versions/${encodeURIComponent(item.version)}/yank`, { reason }); toast(`v${item.version} is yanked.`); reload(); });
              },
            },
          }, "Yank");
    return h(
      "tr",
      { class: isChosen ? "is-current" : null },
      h("td", {}, isChosen ? h("strong", { "aria-current": "true" }, `v${item.version}`) : h("a", { href: href(`/assets/${kind}/${name}`, { version: item.version }) }, `v${item.version}`), " ", item.yanked ? h("span", { class: "yanked-mark", title: item.yank_reason || "" }, badge("yanked", "danger")) : null, item.yanked && item.yank_reason ? h("span", { class: "muted small block" }, item.yank_reason) : null),
      h("td", {}, timeElement(item.created_at, "date")),
      h("td", { class: "num" }, formatNumber(item.file_count)),
      h("td", { class: "num" }, formatBytes(item.total_size)),
      manage ? h("td", {}, yankButton) : null,
    );
  });
  return card("Versions", detail.versions.length ? table(["Version", "Published", "Files", "Size", manage ? "Actions" : null].filter(Boolean), rows, { caption: "Versions", className: "versions-table" }) : empty("No versions"));
}

async function loadDiagnostics(target, kind, name) {
  try {
    const data = await api.get(`${assetPath(kind, name)}/diagnostics`);
    const parts = [];
    if (data.warnings?.length) {
      parts.push(h("h3", { class: "small-title" }, `Warnings of v${data.version}`), h("ul", { class: "warnings-list" }, data.warnings.map((warning) => h("li", {}, warning))));
    }
    if (data.sync?.length) {
      parts.push(
        h("h3", { class: "small-title" }, "From sync runs"),
        table(
          ["When", "Severity", "Path", "Message", "Run"],
          data.sync.map((entry) => h("tr", {}, h("td", {}, timeElement(entry.created_at)), h("td", {}, statusBadge(entry.severity)), h("td", {}, h("code", {}, entry.path)), h("td", { class: "wrap" }, entry.message), h("td", {}, session.isAdmin ? h("a", { href: href(`/admin/sync-runs/${entry.run_id}`) }, `#${entry.run_id}`) : `#${entry.run_id}`))),
          { caption: "Sync diagnostics" },
        ),
      );
    }
    replace(target, parts.length ? parts : empty("No problems", "The latest version has no warnings and no sync run reported anything about it."));
  } catch (error) {
    replace(target, errorBox(error));
  }
}

