// Log in, register (shows the first API key once), and the profile: API keys, published assets,
// installs.

import { h, replace, formatNumber, timeElement } from "./dom.js";
import { api, session } from "./api.js";
import { href } from "./router.js";
import { ask, assetItem, busy, card, copyField, definitionList, empty, errorBox, field, formError, kindBadge, loading, pageHeader, table, toast } from "./components.js";

/** Only in-app hash routes are accepted as a place to return to after login. */
function returnTo(next) {
  return typeof next === "string" && /^#\/[^#]*$/.test(next) && !next.startsWith("#/login") && !next.startsWith("#/register") ? next : "#/";
}

function authShell(root, title, subtitle, form, footer) {
  replace(root, h("div", { class: "auth-shell" }, h("div", { class: "auth-card card" }, h("h1", { tabindex: "-1", class: "page-title" }, title), h("p", { class: "page-subtitle" }, subtitle), form, footer)));
}

export async function loginPage(root, { params }) {
  if (session.user) {
    window.location.replace(returnTo(params.next));
    return;
  }
  const email = field("E-mail", { name: "email", type: "email", required: true, autocomplete: "username" });
  const password = field("Password", { name: "password", type: "password", required: true, autocomplete: "current-password" });
  const errors = h("div", { class: "form-errors" });
  const submit = h("button", { type: "submit", class: "button button-primary button-block" }, "Log in");
  const form = h(
    "form",
    {
      class: "form",
      novalidate: true,
      on: {
        submit: (event) => {
          event.preventDefault();
          if (!email.input.value.trim() || !password.input.value) {
            formError(errors, new Error("Enter your e-mail and your password."));
            (email.input.value.trim() ? password.input : email.input).focus();
            return;
          }
          busy(submit, async () => {
            const answer = await api.post("/auth/login", { email: email.input.value.trim(), password: password.input.value });
            session.signIn(answer.token, answer.user);
            toast(`Welcome back, ${answer.user.username}.`);
            window.location.hash = returnTo(params.next);
          }, errors).then(() => {
            if (!session.user) password.input.focus();
          });
        },
      },
    },
    email.row,
    password.row,
    errors,
    submit,
  );
  authShell(root, "Log in", "Use the e-mail and password of your AgentHub account.", form, h("p", { class: "auth-footer" }, "No account yet? ", h("a", { href: href("/register") }, "Create one")));
}

export async function registerPage(root) {
  const username = field("Username", { name: "username", required: true, autocomplete: "username", hint: "3 to 64 characters: letters, digits, '.', '_' and '-'.", minlength: "3", maxlength: "64" });
  const email = field("E-mail", { name: "email", type: "email", required: true, autocomplete: "email" });
  const displayName = field("Display name", { name: "display_name", autocomplete: "name", hint: "Optional. Shown next to what you publish.", maxlength: "128" });
  const password = field("Password", { name: "password", type: "password", required: true, autocomplete: "new-password", hint: "At least 8 characters.", minlength: "8" });
  const errors = h("div", { class: "form-errors" });
  const submit = h("button", { type: "submit", class: "button button-primary button-block" }, "Create account");
  const form = h(
    "form",
    {
      class: "form",
      novalidate: true,
      on: {
        submit: (event) => {
          event.preventDefault();
          busy(submit, async () => {
            const body = { username: username.input.value.trim(), email: email.input.value.trim(), password: password.input.value };
            if (displayName.input.value.trim()) body.display_name = displayName.input.value.trim();
            const answer = await api.post("/auth/register", body);
            session.signIn(answer.token, answer.user);
            showFirstKey(root, answer);
          }, errors);
        },
      },
    },
    username.row,
    email.row,
    displayName.row,
    password.row,
    errors,
    submit,
  );
  authShell(root, "Create an account", "Publish and install skills, agents and tools.", form, h("p", { class: "auth-footer" }, "Already registered? ", h("a", { href: href("/login") }, "Log in")));
}

/** After registering: the first API key, shown this once. */
function showFirstKey(root, answer) {
  replace(
    root,
    h(
      "div",
      { class: "auth-shell" },
      h(
        "div",
        { class: "auth-card card" },
        h("h1", { tabindex: "-1", class: "page-title" }, `Welcome, ${answer.user.username}`),
        h("p", { class: "page-subtitle" }, "Your account is ready and you are logged in."),
        h(
          "div",
          { class: "key-reveal", id: "first-api-key" },
          h("h2", { class: "card-title" }, "Your API key"),
          h("p", {}, h("strong", {}, "Copy it now: "), "it is shown only this once. The command-line client uses it to publish and install."),
          copyField(answer.api_key, { label: "Copy key", secret: true }),
          h("p", { class: "muted small" }, "Then run: ", h("code", {}, "agenthub config set registry.api_key KEY")),
        ),
        h("div", { class: "form-actions" }, h("a", { class: "button button-primary", href: href("/profile") }, "Go to your profile"), h("a", { class: "button", href: href("/") }, "Browse the registry")),
      ),
    ),
  );
  root.querySelector("h1").focus();
}

// ---- profile ----

export async function profilePage(root) {
  const user = session.user;
  const keysTarget = h("div", {}, loading("Loading your API keys…"));
  const newKeyTarget = h("div", { "aria-live": "polite" });
  const publishedTarget = h("div", {}, loading());
  const installsTarget = h("div", {}, loading());

  const keyName = field("Key name", { name: "key-name", required: true, placeholder: "laptop, ci-publish…", maxlength: "64", hint: "A name that tells you where the key is used." });
  const keyErrors = h("div", { class: "form-errors" });
  const create = h("button", { type: "submit", class: "button button-primary" }, "Create key");
  const keyForm = h(
    "form",
    {
      class: "form form-inline",
      novalidate: true,
      on: {
        submit: (event) => {
          event.preventDefault();
          if (!keyName.input.value.trim()) {
            formError(keyErrors, new Error("Give the key a name."));
            keyName.input.focus();
            return;
          }
          busy(create, async () => {
            const created = await api.post("/users/me/api-keys", { name: keyName.input.value.trim() });
            keyName.input.value = "";
            replace(
              newKeyTarget,
              h(
                "div",
                { class: "key-reveal", id: "new-api-key" },
                h("h3", { class: "small-title" }, `New key “${created.name}”`),
                h("p", {}, h("strong", {}, "Copy it now: "), "it will not be shown again."),
                copyField(created.api_key, { label: "Copy key", secret: true }),
                h("button", { type: "button", class: "button button-small", on: { click: () => replace(newKeyTarget) } }, "I have stored it"),
              ),
            );
            await loadKeys(keysTarget);
          }, keyErrors);
        },
      },
    },
    h("div", { class: "form-inline-row" }, keyName.row, create),
    keyErrors,
  );

  replace(
    root,
    pageHeader(user.display_name || user.username, { subtitle: `Signed in as ${user.username}` }),
    h(
      "div",
      { class: "profile-layout" },
      card("Account", definitionList([["Username", user.username], ["E-mail", user.email], ["Role", user.role], ["Member since", timeElement(user.created_at, "date")]])),
      card("API keys", h("p", { class: "muted small" }, "Keys let the agenthub CLI and CI jobs act as you. Revoke a key you no longer use."), keyForm, newKeyTarget, keysTarget),
    ),
    card("Published by you", publishedTarget),
    card("Your installs", installsTarget),
  );

  await Promise.all([loadKeys(keysTarget), loadPublished(publishedTarget, user), loadInstalls(installsTarget)]);
}

async function loadKeys(target) {
  try {
    const page = await api.get("/users/me/api-keys");
    if (!page.items.length) {
      replace(target, empty("No active keys", "Create one above for the CLI."));
      return;
    }
    const rows = page.items.map((key) =>
      h(
        "tr",
        { dataset: { keyName: key.name } },
        h("td", {}, h("strong", {}, key.name)),
        h("td", {}, h("code", {}, `${key.prefix}…`)),
        h("td", {}, timeElement(key.created_at, "date")),
        h("td", {}, key.last_used_at ? timeElement(key.last_used_at, "relative") : h("span", { class: "muted" }, "never")),
        h(
          "td",
          {},
          h("button", {
            type: "button",
            class: "button button-small button-danger-quiet",
            "aria-label": `Revoke key ${key.name}`,
            on: {
              click: async (event) => {
                const button = event.currentTarget;
                const ok = await ask({ title: `Revoke “${key.name}”?`, message: "Anything that uses this key stops working at once.", confirmLabel: "Revoke", danger: true });
                if (ok) {
                  await busy(button, async () => {
                    await api.del(`/users/me/api-keys/${key.id}`);
                    toast(`Key “${key.name}” revoked.`);
                    await loadKeys(target);
                  });
                }
              },
            },
          }, "Revoke"),
        ),
      ),
    );
    replace(target, table(["Name", "Prefix", "Created", "Last used", ""], rows, { caption: "Your API keys", className: "keys-table" }));
  } catch (error) {
    replace(target, errorBox(error, () => loadKeys(target)));
  }
}

async function loadPublished(target, user) {
  // /users/me/published answers in the AgentHub shape, which has no kind; the asset list filtered
  // by owner has it (and links need it).
  try {
    const page = await api.get("/assets", { owner: user.username, sort: "recent", size: 50 });
    replace(target, page.items.length ? [h("ul", { class: "asset-list" }, page.items.map((asset) => assetItem(asset))), page.total > page.items.length ? h("p", { class: "muted small" }, h("a", { href: href("/search", { sort: "recent" }) }, `${formatNumber(page.total)} in all`)) : null] : empty("Nothing published yet", "Publish with: agenthub publish PATH"));
  } catch (error) {
    replace(target, errorBox(error));
  }
}

const TYPE_TO_KIND = { skills: "skill", mcps: "tool", agents: "agent" };

async function loadInstalls(target) {
  try {
    const items = await api.get("/users/me/installed");
    if (!items.length) {
      replace(target, empty("No installs recorded", "Installs made with the agenthub CLI while logged in with your key show up here."));
      return;
    }
    const rows = items.map((item) => {
      const kind = TYPE_TO_KIND[item.type] || item.type;
      return h("tr", {}, h("td", {}, h("a", { href: href(`/assets/${kind}/${item.name}`) }, item.name)), h("td", {}, kindBadge(kind)), h("td", {}, item.version ? `v${item.version}` : "—"), h("td", {}, timeElement(item.installed_at)));
    });
    replace(target, table(["Name", "Kind", "Latest version", "Installed"], rows, { caption: "Your installs" }));
  } catch (error) {
    replace(target, errorBox(error));
  }
}

