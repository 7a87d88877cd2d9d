// Pieces shared by the pages: states (loading, empty, error), tables, paging, badges, forms, the
// copy button, dialogs and the toast line.

import { h, replace, formatNumber, timeElement } from "./dom.js";
import { href } from "./router.js";

export const KINDS = [
  { kind: "skill", label: "Skill", plural: "Skills", hint: "Folders with a SKILL.md that teach an agent a task" },
  { kind: "agent", label: "Agent", plural: "Agents", hint: "Agent configurations and subagent prompts" },
  { kind: "tool", label: "Tool", plural: "Tools", hint: "MCP server configurations" },
];

export function kindLabel(kind) {
  return KINDS.find((entry) => entry.kind === kind)?.label ?? kind;
}

/** The `agenthub add` line for an asset: skills by name, other kinds with --type. */
export function installCommand(kind, name) {
  return kind === "skill" ? `agenthub add ${name}` : `agenthub add ${name} --type ${kind}`;
}

// ---- states ----

export function loading(text = "Loading…") {
  return h("div", { class: "state state-loading", role: "status", "aria-live": "polite" }, h("span", { class: "spinner", "aria-hidden": "true" }), text);
}

export function empty(title, hint) {
  return h("div", { class: "state state-empty" }, h("p", { class: "state-title" }, title), hint ? h("p", { class: "muted" }, hint) : null);
}

/** The server's `detail` (or a network message) in an alert box, with an optional retry. */
export function errorBox(error, retry) {
  const detail = error?.detail || error?.message || String(error);
  return h(
    "div",
    { class: "state state-error", role: "alert" },
    h("p", { class: "state-title" }, error?.status === 404 ? "Not found" : error?.status === 403 ? "Not allowed" : "Something went wrong"),
    h("p", { class: "error-detail" }, detail),
    retry ? h("button", { type: "button", class: "button", on: { click: retry } }, "Try again") : null,
  );
}

/** Inline message under a form: role=alert so screen readers hear it. */
export function formError(container, error) {
  replace(container, error ? h("p", { class: "form-error", role: "alert" }, error.detail || error.message || String(error)) : null);
}

// ---- layout ----

export function pageHeader(title, { subtitle, actions } = {}) {
  return h(
    "div",
    { class: "page-header" },
    h("div", {}, h("h1", { tabindex: "-1", class: "page-title" }, title), subtitle ? h("p", { class: "page-subtitle" }, subtitle) : null),
    actions ? h("div", { class: "page-actions" }, actions) : null,
  );
}

export function card(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", { class: "card-title" }, title) : null, ...children);
}

/** A table that scrolls sideways on narrow screens; `columns` are header labels. */
export function table(columns, rows, { caption, className } = {}) {
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption || "table" },
    h(
      "table",
      { class: className ? `table ${className}` : "table" },
      caption ? h("caption", { class: "visually-hidden" }, caption) : null,
      h("thead", {}, h("tr", {}, columns.map((column) => h("th", { scope: "col" }, column)))),
      h("tbody", {}, rows),
    ),
  );
}

export function badge(text, tone = "neutral") {
  return h("span", { class: `badge badge-${tone}` }, text);
}

const STATUS_TONES = {
  success: "success", active: "success", ok: "success", info: "info", running: "info", queued: "info",
  partial: "warning", warning: "warning", deprecated: "warning", removed: "warning", never: "neutral",
  failed: "danger", error: "danger", deleted: "danger", disabled: "danger", yanked: "danger",
};

export function statusBadge(status) {
  return badge(status || "unknown", STATUS_TONES[status] || "neutral");
}

export function kindBadge(kind) {
  return h("span", { class: `kind kind-${kind}` }, kindLabel(kind));
}

export function tagList(tags, { linked = true } = {}) {
  if (!tags?.length) return null;
  return h(
    "ul",
    { class: "tags", "aria-label": "Tags" },
    tags.map((tag) => h("li", {}, linked ? h("a", { class: "tag", href: href("/search", { tag }) }, tag) : h("span", { class: "tag" }, tag))),
  );
}

/** A row for asset lists: name, kind, description, tags, installs, when updated. */
export function assetItem(asset, { showKind = true } = {}) {
  const link = href(`/assets/${asset.kind}/${asset.name}`);
  return h(
    "li",
    { class: "asset-item" },
    h(
      "div",
      { class: "asset-item-main" },
      h(
        "div",
        { class: "asset-item-title" },
        h("a", { href: link, class: "asset-link" }, asset.name),
        asset.latest_version ? h("span", { class: "version" }, `v${asset.latest_version}`) : null,
        showKind ? kindBadge(asset.kind) : null,
        asset.deprecation_message ? badge("deprecated", "warning") : null,
        asset.status && asset.status !== "active" ? statusBadge(asset.status) : null,
      ),
      asset.description ? h("p", { class: "asset-item-description" }, asset.description) : null,
      tagList(asset.tags),
    ),
    h(
      "div",
      { class: "asset-item-meta" },
      h("span", { class: "installs", title: "installs" }, h("span", { class: "installs-count" }, formatNumber(asset.installs)), " installs"),
      h("span", { class: "muted" }, "by ", asset.owner || "—"),
      h("span", { class: "muted" }, "updated ", timeElement(asset.updated_at, "relative")),
    ),
  );
}

// ---- paging ----

/** Previous / page X of Y / next, as real links that change the URL. */
export function pager(path, params, { page, pages, total }) {
  if (!pages || pages <= 1) return null;
  const at = (number) => href(path, { ...params, page: number === 1 ? undefined : number });
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    page > 1 ? h("a", { class: "button", href: at(page - 1), rel: "prev" }, "← Previous") : h("span", { class: "button disabled", "aria-hidden": "true" }, "← Previous"),
    h("span", { class: "pager-status" }, `Page ${formatNumber(page)} of ${formatNumber(pages)} · ${formatNumber(total)} in all`),
    page < pages ? h("a", { class: "button", href: at(page + 1), rel: "next" }, "Next →") : h("span", { class: "button disabled", "aria-hidden": "true" }, "Next →"),
  );
}

// ---- forms ----

let fieldCounter = 0;

/** A labelled input; returns {row, input}. `options` for a select: [[value, label], …]. */
export function field(label, { name, type = "text", value, required, placeholder, autocomplete, hint, options, rows, min, max, pattern, minlength, maxlength, checked } = {}) {
  fieldCounter += 1;
  const id = `field-${name || "x"}-${fieldCounter}`;
  const hintId = hint ? `${id}-hint` : null;
  let input;
  if (options) {
    input = h("select", { id, name, required, "aria-describedby": hintId }, options.map(([optionValue, optionLabel]) => h("option", { value: optionValue, selected: String(optionValue) === String(value ?? "") }, optionLabel)));
  } else if (type === "textarea") {
    input = h("textarea", { id, name, required, placeholder, rows: rows || 4, "aria-describedby": hintId, spellcheck: "false" });
    if (value) input.value = value;
  } else if (type === "checkbox") {
    input = h("input", { id, name, type, checked: Boolean(checked), "aria-describedby": hintId });
    return { row: h("div", { class: "field field-checkbox" }, input, h("label", { for: id }, label), hint ? h("p", { class: "hint", id: hintId }, hint) : null), input };
  } else {
    input = h("input", { id, name, type, required, placeholder, autocomplete, min, max, pattern, minlength, maxlength, "aria-describedby": hintId });
    if (value !== undefined && value !== null) input.value = value;
  }
  return { row: h("div", { class: "field" }, h("label", { for: id }, label, required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null), input, hint ? h("p", { class: "hint", id: hintId }, hint) : null), input };
}

/** Runs `action` with the button disabled and busy; errors go to `errorTarget` when given. */
export async function busy(button, action, errorTarget) {
  if (!button) throw new Error("busy() needs the button that started the action");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  if (errorTarget) formError(errorTarget, null);
  try {
    return await action();
  } catch (error) {
    if (errorTarget) formError(errorTarget, error);
    else toast(error.detail || error.message, "error");
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

// ---- copy ----

/** Copies `text`; navigator.clipboard when allowed, else a hidden textarea and execCommand. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused or not focused: fall through to the old way.
  }
  const area = h("textarea", { class: "copy-buffer", readonly: true, "aria-hidden": "true", tabindex: "-1" });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

/** A code line with a Copy button; the button says whether it worked. */
export function copyField(text, { label = "Copy", secret = false } = {}) {
  const status = h("span", { class: "copy-status", role: "status", "aria-live": "polite" });
  const code = h("code", { class: secret ? "copy-code secret" : "copy-code" }, text);
  const button = h("button", {
    type: "button",
    class: "button button-small",
    "aria-label": `${label}: ${secret ? "copy the key" : text}`,
    on: {
      click: async () => {
        const ok = await copyText(text);
        status.textContent = ok ? "Copied" : "Select the text and copy it by hand";
        if (!ok) {
          const range = document.createRange();
          range.selectNodeContents(code);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }
        window.setTimeout(() => {
          status.textContent = "";
        }, 2500);
      },
    },
  }, label);
  return h("div", { class: "copy-field" }, code, button, status);
}

// ---- dialog ----

/**
 * A modal <dialog>: title, message, optional fields. Resolves when confirmed with the value of
 * the single `input` (a string), with {name: value} for `fields`, or with true when there are
 * none; resolves null when cancelled. Esc cancels; focus starts in the dialog and returns to
 * where it was.
 */
export function ask({ title, message, input, fields, confirmLabel = "Confirm", danger = false }) {
  const specs = fields || (input ? [{ name: "value", ...input }] : []);
  const opener = document.activeElement;
  return new Promise((resolve) => {
    let result = null;
    const built = specs.map((spec) => ({ spec, ...field(spec.label, { name: spec.name, type: spec.type || "text", required: spec.required !== false, value: spec.value, placeholder: spec.placeholder, options: spec.options, hint: spec.hint }) }));
    const errorLine = h("div", { class: "form-errors" });
    const cancel = h("button", { type: "button", class: "button", on: { click: () => dialog.close() } }, "Cancel");
    const form = h(
      "form",
      {
        method: "dialog",
        class: "dialog-form",
        novalidate: true,
        on: {
          submit: (event) => {
            event.preventDefault();
            const missing = built.find(({ spec, input: element }) => spec.required !== false && !element.value.trim());
            if (missing) {
              formError(errorLine, new Error(`${missing.spec.label} is required.`));
              missing.input.focus();
              return;
            }
            const values = Object.fromEntries(built.map(({ spec, input: element }) => [spec.name, element.value.trim()]));
            result = fields ? values : input ? values.value : true;
            dialog.close();
          },
        },
      },
      h("h2", { class: "dialog-title" }, title),
      message ? h("p", { class: "dialog-message" }, message) : null,
      built.map(({ row }) => row),
      errorLine,
      h("div", { class: "dialog-actions" }, cancel, h("button", { type: "submit", class: danger ? "button button-danger" : "button button-primary" }, confirmLabel)),
    );
    const dialog = h("dialog", { class: "dialog", "aria-label": title }, form);
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    (built[0]?.input || cancel).focus();
  });
}

// ---- toast ----

/** A short message in the live region at the bottom of the screen. */
export function toast(text, tone = "success") {
  const region = document.getElementById("toasts");
  if (!region) return;
  const item = h("div", { class: `toast toast-${tone}`, role: tone === "error" ? "alert" : "status" }, text);
  region.appendChild(item);
  window.setTimeout(() => item.remove(), tone === "error" ? 8000 : 4000);
}

export function definitionList(entries) {
  return h(
    "dl",
    { class: "meta-list" },
    entries.filter(Boolean).map(([term, value]) => [h("dt", {}, term), h("dd", {}, value ?? h("span", { class: "muted" }, "—"))]),
  );
}

