"""The web UI in a real browser (headless Chromium) against a live agenthub-server.

The server, a git daemon and the seeded assets come from conftest.py; every test gets a fresh
browser and ends by checking that the console reported no CSP violation or script error."""
from __future__ import annotations

import os
import pathlib
import re
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import screenshots
import support
from conftest import USER_PASSWORD
from support import APIError


def test_every_response_carries_the_strict_csp(server):
    for path in ("/", "/ui/app.js", "/ui/app.css"):
        with urllib.request.urlopen(server.url + path) as response:
            policy = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    html = (support.FRONTEND / "index.html").read_text()
    assert "<script>" not in html and "style=" not in html and not re.search(r"\son[a-z]+=", html)
    for source in (support.FRONTEND / "ui").glob("*.js"):
        text = source.read_text()
        assert not re.search(r"\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=|document\.write", text) or source.name == "asset.js", f"{source.name} inserts HTML"
        assert "eval(" not in text and "new Function" not in text


def test_home_shows_leaderboards_and_recent_assets(browser):
    browser.open("/")
    skills = browser.wait_text(".leaderboards .card", "pdf-tools")
    assert "Skills" in skills.text
    browser.wait_text(".leaderboards .card", "code-reviewer")
    browser.wait_text(".leaderboards .card", "github-mcp")
    first_skill = browser.find("ol[aria-label='Most installed skills'] li .board-name a")
    assert first_skill.text == "pdf-tools", "the most installed skill comes first"
    assert len(browser.find_all(".asset-list .asset-item")) == 6
    browser.assert_console_clean()


def test_search_filters_sort_paging_and_url_state(browser):
    browser.open("/")
    search = browser.find("#home-search")
    search.send_keys("pdf", Keys.ENTER)
    browser.wait_until(lambda d: "q=pdf" in d.execute_script("return location.hash"), "the URL has the query")
    browser.wait_text("#result-summary", "result")
    browser.wait_text(".asset-list", "pdf-tools")

    browser.fill("Kind", "agent")
    browser.wait_until(lambda d: "kind=agent" in d.execute_script("return location.hash"), "the URL has the kind")
    browser.wait_text("#result-summary", "in agents")

    # The URL alone restores the whole state, even after a reload.
    browser.open("/search?tag=bulk&sort=name", fresh=True)
    browser.wait_text("#result-summary", "21 results")
    assert browser.find("select[name=sort]").get_attribute("value") == "name"
    assert browser.find("input[name=tag]").get_attribute("value") == "bulk"
    names = [element.text for element in browser.find_all(".asset-list .asset-link")]
    assert len(names) == 20 and names == sorted(names) and names[0] == "bulk-skill-01"
    browser.click("Next →")
    browser.wait_until(lambda d: "page=2" in d.execute_script("return location.hash"), "the URL has the page")
    browser.wait_text(".pager-status", "Page 2 of 2")
    browser.wait_until(lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, ".asset-list .asset-link")] == ["bulk-skill-21"], "page 2 shows the last skill")
    browser.driver.back()
    browser.wait_text(".pager-status", "Page 1 of 2")

    browser.open("/search?q=zzzz-nothing-like-this")
    browser.wait_text(".state-empty", "Nothing matches")
    browser.assert_console_clean()


def test_search_then_open_an_asset_with_everything_on_it(browser):
    browser.open("/search?q=pdf")
    browser.wait_text(".asset-list", "pdf-tools")
    browser.driver.find_element(By.LINK_TEXT, "pdf-tools").click()
    browser.wait_until(lambda d: d.execute_script("return location.hash") == "#/assets/skill/pdf-tools", "the asset's URL")
    title = browser.find("h1.page-title")
    assert title.text == "pdf-tools"

    readme = browser.find(".readme")
    assert readme.find_element(By.CSS_SELECTOR, "h1").text == "PDF tools"
    assert readme.find_element(By.CSS_SELECTOR, "strong").text == "PDF forms"
    assert readme.find_elements(By.CSS_SELECTOR, "table td"), "Markdown tables render"
    external = readme.find_element(By.LINK_TEXT, "upstream docs")
    assert external.get_attribute("rel") and "noopener" in external.get_attribute("rel")

    details = browser.find(".asset-side").text
    for expected in ("dana", "MIT", "Claude Code 1.x", "Published"):
        assert expected in details, expected
    assert browser.find(".install-count").text == "4"
    assert [tag.text for tag in browser.find_all(".asset-header .tag")] == ["documents", "pdf"]

    versions = browser.find(".versions-table").text
    assert "v1.1.0" in versions and "v1.0.0" in versions
    yanked_row = browser.wait_text(".versions-table tr", "v1.0.0")
    assert "yanked" in yanked_row.text and "writes broken checkboxes" in yanked_row.text

    tree = browser.find(".file-tree").text
    assert "scripts/" in tree and "fill.py" in tree and "merge.py" in tree and "SKILL.md" in tree
    assert re.search(r"\d+ B", tree), "files show their sizes"

    command = browser.find(".asset-side .copy-code").text
    assert command == "agenthub add pdf-tools"
    browser.click("Copy: agenthub add pdf-tools")
    browser.wait_until(lambda d: d.find_element(By.CSS_SELECTOR, ".asset-side .copy-status").text in ("Copied", "Select the text and copy it by hand"), "the copy button reports")

    # An older version: its own files, marked as not the latest.
    browser.driver.find_element(By.LINK_TEXT, "v1.0.0").click()
    browser.wait_text(".card-title", "Files in v1.0.0")
    assert "merge.py" not in browser.find(".file-tree").text
    assert "?version=1.0.0" in browser.hash()

    # Anonymous visitors get no owner tools.
    assert not browser.find_all(".versions-table button")
    assert "Diagnostics" not in browser.driver.find_element(By.ID, "main").text
    browser.assert_console_clean()


def test_deprecated_asset_shows_its_banner_and_other_kinds_their_install_command(browser):
    browser.open("/assets/skill/old-formatter")
    banner = browser.find(".deprecation-banner")
    assert "use pdf-tools instead" in banner.text
    browser.open("/assets/tool/github-mcp")
    assert browser.find(".asset-side .copy-code").text == "agenthub add github-mcp --type tool"
    browser.wait_text(".card", "Server configuration")
    assert "GITHUB_TOKEN" in browser.find(".code-block").text
    assert "secret" not in browser.find(".code-block").text
    browser.open("/assets/agent/code-reviewer")
    browser.wait_text(".reference-list", "pdf-tools")
    browser.open("/assets/skill/does-not-exist")
    browser.wait_text(".state-error", "not found")
    browser.assert_console_clean()


def test_malicious_readme_renders_as_html_but_never_runs_script(browser):
    browser.open("/assets/skill/readme-xss")
    readme = browser.find(".readme")
    browser.wait_text(".readme strong", "safe bold")
    assert browser.driver.execute_script("return typeof window.__pwned") == "undefined"
    assert not readme.find_elements(By.CSS_SELECTOR, "script, iframe, [onerror], [onclick], [style]")
    for link in readme.find_elements(By.CSS_SELECTOR, "a"):
        assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
    # Clicking everything in the README still runs nothing.
    for element in readme.find_elements(By.CSS_SELECTOR, "div, img, p, strong"):
        browser.driver.execute_script("arguments[0].click()", element)
    assert browser.driver.execute_script("return typeof window.__pwned") == "undefined"
    browser.assert_console_clean()


def test_register_shows_the_first_key_once_then_logout_and_login(browser, server):
    browser.open("/register")
    browser.fill("Username", "erin")
    browser.fill("E-mail", "erin@example.com")
    browser.fill("Display name", "Erin Example")
    browser.fill("Password", "short")
    browser.click("Create account")
    browser.wait_text(".form-error", "password must be at least 8 characters")  # the server's detail

    browser.fill("Password", USER_PASSWORD)
    browser.click("Create account")
    key = browser.find("#first-api-key .copy-code").text
    assert re.fullmatch(r"sr_[A-Za-z0-9_-]{43}", key), key
    assert server.request("GET", "/users/me", key=key)["username"] == "erin", "the key shown works"
    browser.click("Go to your profile")
    browser.wait_text(".keys-table", "default")
    assert key not in browser.driver.find_element(By.ID, "main").text, "the key is never shown again"
    assert not browser.find_all("#first-api-key")

    assert list(browser.storage()["session"].keys()) == ["agenthub.token"]
    browser.click("Log out")
    browser.wait_text(".nav-list", "Log in")
    assert browser.storage() == {"local": {}, "session": {}}, "logout leaves no token behind"

    browser.open("/profile")
    browser.wait_until(lambda d: d.execute_script("return location.hash").startswith("#/login"), "a protected page sends to login")
    browser.fill("E-mail", "erin@example.com")
    browser.fill("Password", "wrong-password")
    browser.click("Log in")
    browser.wait_text(".form-error", "incorrect email or password")
    browser.fill("Password", USER_PASSWORD)
    browser.find("input[type=password]").send_keys(Keys.ENTER)  # keyboard submit
    browser.wait_until(lambda d: d.execute_script("return location.hash") == "#/profile", "back where the user wanted to go")
    browser.wait_text("h1.page-title", "Erin Example")
    browser.assert_console_clean()


def test_an_expired_or_bad_token_is_dropped_and_the_user_sent_to_login(browser):
    # A stored token the server refuses, found at start-up: dropped quietly.
    browser.open("/")
    browser.driver.execute_script("sessionStorage.setItem('agenthub.token', 'not-a-valid-token')")
    browser.open("/profile", fresh=True)
    browser.wait_until(lambda d: d.execute_script("return location.hash").startswith("#/login"), "sent to login")
    assert browser.storage()["session"] == {}

    # A token that stops working while the app runs: the next 401 logs out and asks to log in.
    browser.login("dana@example.com", USER_PASSWORD)
    browser.open("/")
    browser.driver.execute_script("sessionStorage.setItem('agenthub.token', 'expired.token.value')")
    browser.open("/profile")
    browser.wait_until(lambda d: d.execute_script("return location.hash").startswith("#/login?next="), "sent to login after a 401")
    browser.wait_text(".toast", "log in again")
    assert browser.storage() == {"local": {}, "session": {}}
    assert "Log in" in browser.find(".nav-list").text
    browser.assert_console_clean()


def test_create_and_revoke_an_api_key(browser, server):
    browser.login("dana@example.com", USER_PASSWORD)
    browser.open("/profile")
    browser.wait_text(".keys-table", "default")
    browser.wait_text(".card", "Published by you")
    browser.wait_text(".asset-list", "pdf-tools")

    browser.fill("Key name", "ci-publish")
    browser.click("Create key")
    key = browser.find("#new-api-key .copy-code").text
    assert key.startswith("sr_")
    row = browser.wait_text(".keys-table tbody tr", "ci-publish")
    assert key[:8] in row.text, "the list shows the key's prefix"
    assert server.request("GET", "/users/me", key=key)["username"] == "dana"

    browser.click("Revoke key ci-publish")
    browser.confirm_dialog()
    browser.wait_gone(".keys-table tbody tr", "ci-publish")
    with pytest.raises(APIError) as error:
        server.request("GET", "/users/me", key=key)
    assert error.value.status == 401
    browser.assert_console_clean()


def test_installs_appear_on_the_profile(browser, server, seeded):
    browser.login("dana@example.com", USER_PASSWORD)
    browser.open("/profile")
    browser.wait_text(".card", "Your installs")
    installs = browser.wait_text("table", "pdf-tools")
    assert "Skill" in installs.text or "SKILL" in installs.text
    browser.assert_console_clean()


def test_admin_adds_a_git_source_runs_it_and_sees_assets_and_diagnostics(browser, server, git_repo):
    browser.login_admin()
    browser.open("/admin/sync")
    browser.wait_until(lambda d: d.find_elements(By.CSS_SELECTOR, ".source-list, .state-empty"), "the source list loaded")
    if not browser.find_all("#add-source:not([hidden])"):
        browser.click("Add source")
    form = browser.find("#add-source form")
    browser.fill("Name", "team-skills", within=form)
    browser.fill("Repository URL", git_repo.url, within=form)
    browser.fill("Branch", "main", within=form)
    browser.fill("Sync every (minutes)", "30", within=form)
    browser.fill("Access token", "glpat-example-token", within=form)
    browser.click("Add source", within=form)
    row = browser.wait_text(".source-item", "team-skills")
    assert "credentials: token" in row.text and "every 30 minutes" in row.text and "never run" in row.text
    assert "glpat-example-token" not in browser.driver.page_source, "the token is never shown"

    browser.click("Run team-skills now")
    browser.wait_until(lambda d: re.match(r"#/admin/sync-runs/\d+$", d.execute_script("return location.hash")), "the run's page opens")
    browser.wait_text(".run-status", "partial", timeout=60)
    diagnostics = browser.find(".diagnostics-table")
    assert "may only contain lower-case letters" in diagnostics.text, "the broken SKILL.md is reported"
    assert "skills/broken" in diagnostics.text
    assert diagnostics.find_elements(By.LINK_TEXT, "csv-cleaner") and diagnostics.find_elements(By.LINK_TEXT, "web-fetch")
    assert browser.find(".stat-bad").text.endswith("1"), "one failed asset"
    assert git_repo.commit in browser.find("main").text

    # The synced asset shows where it came from, and its diagnostics to the admin.
    diagnostics.find_element(By.LINK_TEXT, "csv-cleaner").click()
    browser.wait_text("h1.page-title", "csv-cleaner")
    side = browser.find(".asset-side").text
    assert git_repo.url in side and git_repo.commit[:12] in side and "skills/csv-cleaner" in side
    assert "Synced from git" in side
    browser.wait_text(".card", "From sync runs")
    browser.wait_text("table", "added as version 1.0.0")

    # History, edit and disable on the source's page.
    browser.open("/admin/sync")
    browser.click("Edit team-skills and see its history")
    browser.wait_text(".runs-table", "partial")
    browser.click("Disable")
    browser.wait_text(".meta-list", "(disabled)")
    browser.fill("Folder in the repository", "skills")
    browser.click("Save changes")
    browser.wait_text(".meta-list", "skills")
    source = next(item for item in server.request("GET", "/admin/sync-sources") if item["name"] == "team-skills")
    assert source["enabled"] is False and source["sub_path"] == "skills" and source["has_credentials"] is True
    browser.assert_console_clean()


def test_admin_changes_a_users_role_and_disables_and_enables(browser, server):
    server.register("frank", "frank@example.com", USER_PASSWORD)
    browser.login_admin()
    browser.open("/admin/users?q=frank")
    row = browser.wait_text(".users-table tbody tr", "frank")
    assert "user" in row.find_element(By.CSS_SELECTOR, ".role-cell").text
    browser.click("Make frank an admin")
    browser.confirm_dialog()
    browser.wait_until(lambda d: "admin" in browser.wait_text(".users-table tbody tr", "frank").find_element(By.CSS_SELECTOR, ".role-cell").text, "frank is an admin")
    assert [u for u in server.request("GET", "/admin/users", None)["items"] if u["username"] == "frank"][0]["role"] == "admin"

    browser.click("Make frank a regular user")
    browser.confirm_dialog()
    browser.wait_until(lambda d: browser.wait_text(".users-table tbody tr", "frank").find_element(By.CSS_SELECTOR, ".role-cell").text == "user", "frank is a user again")

    browser.click("Disable frank")
    browser.confirm_dialog()
    browser.wait_text(".users-table tbody tr", "disabled")
    with pytest.raises(APIError) as error:
        server.login("frank@example.com", USER_PASSWORD)
    assert error.value.status == 403
    browser.click("Enable frank")
    browser.wait_until(lambda d: "disabled" not in browser.wait_text(".users-table tbody tr", "frank").text, "frank is enabled")
    assert server.login("frank@example.com", USER_PASSWORD)

    # The admin cannot disable themself: the button says so and is off.
    browser.open("/admin/users?q=admin")
    own = browser.wait_text(".users-table tbody tr", "(you)")
    assert not own.find_element(By.XPATH, ".//button[normalize-space(.)='Disable']").is_enabled()
    browser.assert_console_clean()


def test_admin_assets_deprecate_yank_delete_restore(browser, server):
    browser.login_admin()
    browser.open("/admin/assets?q=bulk-skill-05")
    browser.wait_text(".admin-assets-table tbody tr", "bulk-skill-05")

    browser.click("Deprecate bulk-skill-05")
    browser.confirm_dialog(Message="replaced by bulk-skill-06")
    browser.wait_text(".admin-assets-table tbody tr", "deprecated")

    browser.click("Yank a version of bulk-skill-05")
    browser.confirm_dialog(Reason="broken on purpose")
    browser.wait_until(lambda _: server.request("GET", "/assets/skill/bulk-skill-05")["versions"][0]["yanked"], "the version is yanked")

    browser.click("Delete bulk-skill-05")
    browser.confirm_dialog()
    browser.wait_text(".admin-assets-table tbody tr", "deleted")
    assert server.request("GET", "/assets/skill/bulk-skill-05", key=None, expect=404)
    browser.click("Restore bulk-skill-05")
    browser.wait_until(lambda d: "deleted" not in browser.wait_text(".admin-assets-table tbody tr", "bulk-skill-05").text, "restored")

    # On the asset's own page the admin can un-yank and withdraw the deprecation.
    browser.open("/assets/skill/bulk-skill-05")
    browser.find(".deprecation-banner")
    browser.click("Un-yank")
    browser.wait_until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".versions-table .yanked-mark"), "un-yanked")
    browser.click("Withdraw deprecation")
    browser.wait_gone(".deprecation-banner")
    browser.assert_console_clean()


def test_admin_dashboard_and_audit_log_with_paging(browser, server):
    browser.login_admin()
    browser.open("/admin")
    skills = browser.wait_text(".stat", "Skills")
    assert int(skills.find_element(By.CSS_SELECTOR, ".stat-value").text.replace(",", "")) >= 20
    assert len(browser.find_all(".bars .bar-col")) == 30
    browser.wait_text(".card", "Sync health")

    browser.click("Audit log")
    browser.wait_text(".audit-table", "asset.publish")
    browser.open("/admin/audit?size=10")
    status = browser.wait_text(".pager-status", "Page 1 of")
    assert len(browser.find_all(".audit-table tbody tr")) == 10
    first_page = browser.find(".audit-table tbody tr").text
    browser.click("Next →")
    browser.wait_text(".pager-status", "Page 2 of")
    assert "page=2" in browser.hash() and "size=10" in browser.hash()
    assert browser.find(".audit-table tbody tr").text != first_page
    assert status

    browser.fill("Action", "auth.register")
    browser.click("Filter")
    browser.wait_text(".result-summary", "for auth.register")
    actions = {element.text for element in browser.find_all(".audit-table tbody td:nth-child(3)")}
    assert actions == {"auth.register"}
    browser.assert_console_clean()


def test_admin_pages_are_closed_to_regular_users(browser):
    browser.login("dana@example.com", USER_PASSWORD)
    browser.open("/admin/users")
    browser.wait_text(".state-error", "for administrators")
    assert "Admin" not in browser.find(".nav-list").text
    browser.assert_console_clean()


def test_phone_width_collapses_the_nav_and_keeps_the_page_in_the_screen(browser):
    support.set_viewport(browser.driver, 390, 844, mobile=True)
    browser.login_admin()
    browser.open("/admin/audit")
    browser.wait_text(".audit-table", "auth.login")
    toggle = browser.find("#nav-toggle")
    nav = browser.driver.find_element(By.ID, "site-nav")
    assert not nav.is_displayed(), "the nav is collapsed behind the menu button"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    browser.wait_until(lambda d: nav.is_displayed(), "the menu opens")
    toggle.send_keys(Keys.ESCAPE)
    browser.wait_until(lambda d: not nav.is_displayed(), "Escape closes the menu")
    width = browser.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
    wrap = browser.find(".table-wrap")
    assert browser.driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", wrap), "wide tables scroll inside their box"
    browser.open("/assets/skill/pdf-tools")
    browser.find(".readme")
    assert browser.driver.execute_script("return document.documentElement.scrollWidth") <= 390
    browser.assert_console_clean()


def test_keyboard_only_search_and_focus_styles(browser):
    browser.open("/")
    body = browser.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    active = browser.driver.switch_to.active_element
    assert active.get_attribute("id") == "skip-link", "the first Tab stop is the skip link"
    # Every control on the page is a real link, button or form field with a name.
    unnamed = browser.driver.execute_script(
        """return [...document.querySelectorAll('input, select, textarea')].filter(e => !e.labels?.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)"""
    )
    assert unnamed == []
    clickable_divs = browser.driver.execute_script("return [...document.querySelectorAll('div[tabindex], span[tabindex]')].filter(e => e.getAttribute('role') !== 'region').length")
    assert clickable_divs == 0
    search = browser.find("#home-search")
    search.click()
    search.send_keys("csv", Keys.ENTER)
    browser.wait_until(lambda d: "q=csv" in d.execute_script("return location.hash"), "searched by keyboard")
    outline = browser.driver.execute_script(
        "const b = document.querySelector('.filters button'); b.focus(); return getComputedStyle(b, ':focus-visible').outlineStyle || getComputedStyle(b).outlineStyle"
    )
    assert outline
    browser.assert_console_clean()


def test_times_are_shown_in_the_viewers_time_zone(browser, server):
    browser.driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    browser.open("/assets/skill/pdf-tools")
    element = browser.find(".asset-side time")
    iso = element.get_attribute("datetime")
    expected = browser.driver.execute_script(
        "return new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo'}).format(new Date(arguments[0]))", iso
    )
    assert element.text == expected
    browser.assert_console_clean()


def test_screenshots_of_every_page(tmp_path):
    """Runs last (file order): docs/screenshots/*.png at desktop and phone width, with its own
    server and realistic data, so the pictures do not depend on what the tests above did."""
    # The committed screenshots are refreshed only when asked (SCREENSHOTS_DIR=docs/screenshots),
    # so that a test run leaves the working tree as it was.
    out = pathlib.Path(os.environ["SCREENSHOTS_DIR"]) if os.environ.get("SCREENSHOTS_DIR") else tmp_path / "screenshots"
    written = screenshots.capture_all(out)
    assert len(written) == 2 * len(screenshots.PAGES)
    for path in written:
        assert pathlib.Path(path).stat().st_size > 5000, path
