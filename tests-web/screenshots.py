"""Screenshots of every page of the web UI at desktop (1280x900) and phone (390x844) width.

    python tests-web/screenshots.py [OUT_DIR]     # default: docs/screenshots

Starts its own agenthub-server (AGENTHUB_SERVER_BINARY) and git daemon, seeds realistic data
through the API, and writes NAME-desktop.png and NAME-phone.png for each page. The browser test
session runs it as its last test."""
from __future__ import annotations

import json
import pathlib
import sys

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

import support
from support import ADMIN_EMAIL, ADMIN_PASSWORD, skill_md

SIZES = {"desktop": (1280, 900, False), "phone": (390, 844, True)}
PASSWORD = "showcase-password-1"

# name, route, who is logged in (None, "admin" or a username)
PAGES = [
    ("home", "/", None),
    ("search", "/search?q=review", None),
    ("asset-detail", "/assets/skill/pdf-tools", None),
    ("asset-detail-synced", "/assets/skill/onboarding-guide", "admin"),
    ("login", "/login", None),
    ("register", "/register", None),
    ("profile", "/profile", "maria"),
    ("admin-dashboard", "/admin", "admin"),
    ("admin-assets", "/admin/assets", "admin"),
    ("admin-users", "/admin/users", "admin"),
    ("admin-sync-sources", "/admin/sync", "admin"),
    ("admin-sync-source", "/admin/sync/{platform_source}", "admin"),
    ("admin-sync-run", "/admin/sync-runs/{platform_run}", "admin"),
    ("audit-log", "/admin/audit", "admin"),
]

PLATFORM_REPO = {
    "skills/onboarding-guide/SKILL.md": skill_md(
        "onboarding-guide", "Walks a new engineer through the platform: repos, environments, on-call",
        "# Onboarding guide\n\nAsk the agent *\"where do I start?\"* and it answers from this guide.\n\n## Covers\n\n- repositories and branching\n- staging and production\n- the on-call rotation\n",
        tags=("onboarding", "docs"), license="Apache-2.0"),
    "skills/onboarding-guide/reference/environments.md": "# Environments\n\nstaging, production\n",
    "skills/incident-postmortem/SKILL.md": skill_md(
        "incident-postmortem", "Drafts a blameless postmortem from an incident channel export",
        "# Incident postmortem\n\nProduces timeline, impact, root cause and follow-ups.\n", tags=("incident", "sre")),
    "skills/feature-flags/SKILL.md": skill_md(
        "feature-flags", "Adds, removes and audits feature flags safely", "# Feature flags\n\nKnows our flag service's API.\n", tags=("flags",)),
    "skills/legacy-export/SKILL.md": "---\nname: legacy-export\n---\nNo description here, so this one is refused.\n",
}


def seed(server: support.Server, git: support.GitDaemon) -> dict:
    """Users, assets, installs, keys, a deprecation, a yank and two sync sources (one partial, one failed)."""
    users = {}
    for username, display in (("maria", "Maria Chen"), ("jon", "Jon Okafor"), ("priya", "Priya Raman"), ("ci-bot", None)):
        body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        if display:
            body["display_name"] = display
        users[username] = server.request("POST", "/auth/register", body, key=None, expect=201)["api_key"]
    maria, jon, priya, bot = users["maria"], users["jon"], users["priya"], users["ci-bot"]

    pdf_readme = "# PDF tools\n\nRead, fill and merge **PDF forms** from an agent.\n\n## Usage\n\n```sh\npython scripts/fill.py form.pdf values.json\n```\n\n| command | what it does |\n|---|---|\n| `fill.py` | fills form fields |\n| `merge.py` | merges documents |\n\nMore in the [pdf guide](https://example.com/pdf).\n"
    for version, extra in (("1.0.0", {}), ("1.1.0", {"scripts/merge.py": "print('merge')\n"})):
        server.publish("skill", {"SKILL.md": skill_md("pdf-tools", "Read, fill and merge PDF forms", pdf_readme, version=version, tags=("pdf", "documents"), license="MIT", compatibility="Claude Code, Codex"), "scripts/fill.py": "import sys\nprint('fill', sys.argv)\n", **extra}, key=maria)
    server.request("POST", "/assets/skill/pdf-tools/versions/1.0.0/yank", {"reason": "checkboxes were written inverted"}, key=maria)
    skills = [
        ("changelog-writer", "Writes a changelog entry from merged pull requests", ("git", "docs"), maria),
        ("sql-reviewer", "Reviews SQL migrations for locks, missing indexes and data loss", ("sql", "review"), jon),
        ("k8s-debugger", "Finds why a Kubernetes deployment does not become ready", ("kubernetes", "sre"), jon),
        ("terraform-explainer", "Explains a terraform plan in plain words before you apply it", ("terraform", "review"), priya),
        ("api-docs-writer", "Writes OpenAPI descriptions and examples from handler code", ("docs", "api"), priya),
        ("release-notes", "Turns a milestone into customer-facing release notes", ("docs",), support.ADMIN_API_KEY),
        ("brand-guidelines", "Applies the 2022 brand colours and tone", ("design",), support.ADMIN_API_KEY),
    ]
    for name, description, tags, key in skills:
        server.publish("skill", {"SKILL.md": skill_md(name, description, f"# {name}\n\n{description}.\n", tags=tags, license="MIT")}, key=key)
    server.request("PUT", "/assets/skill/brand-guidelines/deprecation", {"message": "replaced by brand-2025"})
    server.publish("agent", {"AGENT.md": "---\nname: code-reviewer\ndescription: Reviews pull requests for correctness, tests and migrations\nskills: [sql-reviewer]\nmcps: [github-mcp]\ntags: [review]\n---\nYou are a careful reviewer.\n"}, key=maria)
    server.publish("agent", {"AGENT.md": "---\nname: incident-commander\ndescription: \"Runs an incident: roles, timeline, status updates\"\nskills: [k8s-debugger, incident-postmortem]\ntags: [sre, incident]\n---\nYou coordinate incidents.\n"}, key=jon)
    server.publish("agent", {"AGENT.md": "---\nname: docs-writer\ndescription: Keeps product docs in step with the code\nskills: [api-docs-writer]\ntags: [docs]\n---\nYou write docs.\n"}, key=priya)
    server.publish("tool", {"mcp.json": json.dumps({"name": "github-mcp", "description": "GitHub issues, pull requests and code search", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"GITHUB_TOKEN": "set-me"}, "tags": ["github"]})})
    server.publish("tool", {"mcp.json": json.dumps({"name": "postgres-mcp", "description": "Read-only queries against a PostgreSQL database", "command": "uvx", "args": ["mcp-server-postgres", "--read-only"], "env": {"DATABASE_URL": "postgres://"}, "tags": ["sql", "database"]})}, key=jon)
    server.publish("tool", {"mcp.json": json.dumps({"name": "linear-mcp", "description": "Linear issues and projects", "url": "https://mcp.linear.app/mcp", "headers": {"Authorization": "Bearer x"}, "tags": ["issues"]})}, key=priya)

    for kind, name, count in (("skill", "pdf-tools", 14), ("skill", "sql-reviewer", 11), ("skill", "k8s-debugger", 7), ("skill", "changelog-writer", 5), ("skill", "terraform-explainer", 3), ("agent", "code-reviewer", 9), ("agent", "incident-commander", 4), ("tool", "github-mcp", 12), ("tool", "postgres-mcp", 6), ("tool", "linear-mcp", 2)):
        server.install(kind, name, times=count, agent="claude")  # admin key: every one counts
    for kind, name in (("skill", "sql-reviewer"), ("tool", "github-mcp"), ("agent", "incident-commander")):
        server.install(kind, name, key=maria, agent="cursor")
        server.install(kind, name, key=bot, agent="codex")

    token = server.login("maria@example.com", PASSWORD)
    for name in ("laptop", "ci-publish"):
        server.request("POST", "/users/me/api-keys", {"name": name}, token=token, expect=201)

    platform = server.request("POST", "/admin/sync-sources", {"name": "platform-skills", "url": git.url, "branch": "main", "interval_seconds": 3600, "enabled": True, "token": "glpat-showcase"}, expect=201)
    run = server.request("POST", f"/admin/sync-sources/{platform['id']}/sync", expect=202)
    server.wait_for_run(run["run_id"])
    missing = server.request("POST", "/admin/sync-sources", {"name": "design-system", "url": f"git://127.0.0.1:{git.port}/design-system.git", "interval_seconds": 21600, "enabled": True}, expect=201)
    server.wait_for_run(server.request("POST", f"/admin/sync-sources/{missing['id']}/sync", expect=202)["run_id"])
    server.request("POST", "/admin/sync-sources", {"name": "github-org-agents", "kind": "github_org", "organization": "example-org", "interval_seconds": 86400, "enabled": False}, expect=201)
    return {"platform_source": platform["id"], "platform_run": run["run_id"]}


def _settled(driver) -> bool:
    """The app started, nothing is loading, and a sync run on screen has finished."""
    return driver.execute_script(
        """const status = document.querySelector('.run-status');
        return document.documentElement.dataset.ready === 'true' && !document.querySelector('.state-loading')
            && !(status && /still running/.test(status.textContent));"""
    )


def capture_all(out_dir: pathlib.Path) -> list[pathlib.Path]:
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    server = support.Server().start()
    git = support.GitDaemon(PLATFORM_REPO, repo_name="platform-skills.git").start()
    driver = None
    written: list[pathlib.Path] = []
    try:
        ids = seed(server, git)
        tokens = {"admin": server.login(ADMIN_EMAIL, ADMIN_PASSWORD), "maria": server.login("maria@example.com", PASSWORD)}
        driver = support.chrome(1280, 900)
        for name, route, who in PAGES:
            route = route.format(**ids)
            for size, (width, height, mobile) in SIZES.items():
                support.set_viewport(driver, width, height, mobile)
                # Storage is set on another page of the origin, so the app then starts from it.
                driver.get(server.url + "/health")
                driver.execute_script("sessionStorage.clear(); localStorage.clear(); if (arguments[0]) sessionStorage.setItem('agenthub.token', arguments[0]);", tokens.get(who) if who else None)
                driver.get(f"{server.url}/#{route}")
                try:
                    WebDriverWait(driver, 30, poll_frequency=0.1).until(_settled)
                except TimeoutException as error:
                    raise RuntimeError(f"{name} ({size}) did not finish loading") from error
                driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); document.getElementById('toasts').replaceChildren();")
                path = out_dir / f"{name}-{size}.png"
                support.full_page_png(driver, path)
                written.append(path)
        bad = support.bad_console_entries(driver.get_log("browser"))
        if bad:
            raise RuntimeError("console errors while taking screenshots:\n" + "\n".join(bad))
    finally:
        if driver:
            driver.quit()
        git.stop()
        server.stop()
    return written


if __name__ == "__main__":
    target = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else support.ROOT / "docs" / "screenshots"
    for item in capture_all(target):
        print(item)
