// Home (leaderboards, recently updated) and search (query, filters, sort, paging).

import { h, replace, formatNumber, plural } from "./dom.js";
import { api } from "./api.js";
import { href, navigate } from "./router.js";
import { KINDS, assetItem, card, empty, errorBox, loading, pager, field, pageHeader } from "./components.js";

function searchForm({ q = "", autofocus = false, big = false } = {}) {
  const input = h("input", { type: "search", name: "q", id: big ? "home-search" : "quick-search", placeholder: "Search skills, agents, tools — e.g. pdf", autocomplete: "off", maxlength: "256", autofocus });
  input.value = q;
  return h(
    "form",
    {
      class: big ? "search-form search-form-big" : "search-form",
      role: "search",
      on: {
        submit: (event) => {
          event.preventDefault();
          navigate("/search", { q: input.value.trim() });
        },
      },
    },
    h("label", { for: input.id, class: "visually-hidden" }, "Search the registry"),
    input,
    h("button", { type: "submit", class: "button button-primary" }, "Search"),
  );
}

// ---- home ----

export async function homePage(root) {
  const boards = h("div", { class: "leaderboards" });
  const recent = h("div", {}, loading());
  replace(
    root,
    h(
      "section",
      { class: "hero" },
      h("h1", { tabindex: "-1", class: "hero-title" }, "Skills, agents and tools for your AI agents"),
      h("p", { class: "hero-text" }, "Find what your team has published, see what it does, and install it with one command."),
      searchForm({ big: true }),
      h("p", { class: "hero-hint" }, "Install from your terminal: ", h("code", {}, "agenthub add NAME")),
    ),
    h("h2", { class: "section-title" }, "Most installed"),
    boards,
    h("div", { class: "section-heading" }, h("h2", { class: "section-title" }, "Recently updated"), h("a", { href: href("/search", { sort: "recent" }) }, "See all →")),
    recent,
  );

  const boardCards = KINDS.map(({ kind, plural: title, hint }) => {
    const body = h("div", {}, loading());
    boards.appendChild(card(null, h("div", { class: "board-head" }, h("h3", { class: "board-title" }, title), h("a", { href: href("/search", { kind, sort: "installs" }), "aria-label": `All ${title.toLowerCase()}` }, "All →")), h("p", { class: "muted board-hint" }, hint), body));
    return { kind, title, body };
  });

  const loads = boardCards.map(async ({ kind, title, body }) => {
    try {
      const page = await api.get("/assets", { kind, sort: "installs", size: 5 });
      if (!page.items.length) {
        replace(body, empty(`No ${title.toLowerCase()} yet`, kind === "skill" ? "Publish one with agenthub publish, or ask an admin to add a sync source." : "Nothing published in this category so far."));
        return;
      }
      replace(
        body,
        h(
          "ol",
          { class: "board", "aria-label": `Most installed ${title.toLowerCase()}` },
          page.items.map((asset, index) =>
            h(
              "li",
              { class: "board-row" },
              h("span", { class: "board-rank", "aria-hidden": "true" }, String(index + 1)),
              h("span", { class: "board-name" }, h("a", { href: href(`/assets/${asset.kind}/${asset.name}`) }, asset.name), h("span", { class: "board-description" }, asset.description)),
              h("span", { class: "board-installs" }, formatNumber(asset.installs), h("span", { class: "visually-hidden" }, " installs")),
            ),
          ),
        ),
        h("p", { class: "board-total muted" }, plural(page.total, title.toLowerCase().replace(/s$/, ""))),
      );
    } catch (error) {
      replace(body, errorBox(error));
    }
  });

  const recentLoad = (async () => {
    try {
      const page = await api.get("/assets", { sort: "recent", size: 6 });
      replace(recent, page.items.length ? h("ul", { class: "asset-list" }, page.items.map((asset) => assetItem(asset))) : empty("The registry is empty", "Once skills, agents or tools are published or synced, they appear here."));
    } catch (error) {
      replace(recent, errorBox(error));
    }
  })();
  await Promise.all([...loads, recentLoad]);
}

// ---- search ----

const SORTS = [
  ["", "Best match"],
  ["installs", "Most installed"],
  ["recent", "Recently updated"],
  ["name", "Name (A–Z)"],
];

export async function searchPage(root, { params }) {
  const q = field("Search", { name: "q", type: "search", placeholder: "pdf, code review, github…", autocomplete: "off", maxlength: "256" });
  const kind = field("Kind", { name: "kind", options: [["", "All kinds"], ...KINDS.map(({ kind: value, plural: label }) => [value, label])] });
  const tag = field("Tag", { name: "tag", placeholder: "any tag", autocomplete: "off" });
  const source = field("Source", { name: "source", options: [["", "Any source"], ["upload", "Published"], ["sync", "Synced from git"]] });
  const sort = field("Sort by", { name: "sort", options: SORTS });
  const summary = h("p", { class: "result-summary", role: "status", "aria-live": "polite", id: "result-summary" });
  const results = h("div", { class: "results" });

  const state = () => ({ q: q.input.value.trim(), kind: kind.input.value, tag: tag.input.value.trim(), source: source.input.value, sort: sort.input.value });
  const go = () => navigate("/search", state());

  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Search and filter", on: { submit: (event) => { event.preventDefault(); go(); } } },
    h("div", { class: "filters-query" }, q.row, h("button", { type: "submit", class: "button button-primary" }, "Search")),
    h("div", { class: "filters-row" }, kind.row, tag.row, source.row, sort.row),
  );
  for (const select of [kind.input, source.input, sort.input]) select.addEventListener("change", go);

  replace(root, pageHeader("Search", { subtitle: "Every skill, agent and tool in this registry." }), form, summary, results);

  let generation = 0;
  async function update(next) {
    generation += 1;
    const mine = generation;
    q.input.value = next.q || "";
    kind.input.value = next.kind || "";
    tag.input.value = next.tag || "";
    source.input.value = next.source || "";
    sort.input.value = SORTS.some(([value]) => value === (next.sort || "")) ? next.sort || "" : "";
    const page = Math.max(1, Number.parseInt(next.page || "1", 10) || 1);
    summary.textContent = "";
    replace(results, loading("Searching…"));
    try {
      const data = await api.get("/assets", { q: next.q, kind: next.kind, tag: next.tag, source: next.source, sort: next.sort, page, size: 20 });
      if (mine !== generation) return;
      const what = [next.q ? `for “${next.q}”` : null, next.kind ? `in ${KINDS.find((entry) => entry.kind === next.kind)?.plural.toLowerCase() ?? next.kind}` : null, next.tag ? `tagged ${next.tag}` : null].filter(Boolean).join(" ");
      summary.textContent = `${plural(data.total, "result")}${what ? ` ${what}` : ""}`;
      if (!data.items.length) {
        replace(results, empty("Nothing matches", data.total > 0 ? "This page is past the last result." : "Try fewer words, another kind, or remove the tag filter."));
        return;
      }
      const { q: query, kind: k, tag: t, source: s, sort: order } = next;
      replace(results, h("ul", { class: "asset-list" }, data.items.map((asset) => assetItem(asset))), pager("/search", { q: query, kind: k, tag: t, source: s, sort: order }, data));
    } catch (error) {
      if (mine !== generation) return;
      replace(results, errorBox(error, () => update(next)));
    }
  }
  await update(params);
  return { update };
}
