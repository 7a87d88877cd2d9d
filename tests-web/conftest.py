"""Fixtures of the browser tests.

Scopes: one server, one git daemon and one set of seeded assets for the whole session (read-mostly;
tests that change something use names of their own); a fresh headless Chromium per test, so no
test sees another's login or storage."""
from __future__ import annotations

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import support
from support import ADMIN_EMAIL, ADMIN_PASSWORD, SYNC_SKILLS, skill_md

USER_PASSWORD = "correct-horse-battery"

MALICIOUS_README = """# Innocent looking

Some **safe bold** text and a [good link](https://example.com/docs).

<script>window.__pwned = "script";</script>
<img src="/ui/missing.png" onerror="window.__pwned = 'onerror'">
<a href="javascript:window.__pwned='href'">click me</a>
<div style="position:fixed;inset:0;background:red" onclick="window.__pwned='click'">overlay</div>
<iframe src="https://example.com"></iframe>
"""

PDF_README = """# PDF tools

Read, fill and merge **PDF forms** from an agent.

## Usage

```sh
python scripts/fill.py form.pdf data.json
```

| step | what |
|------|------|
| 1 | read the fields |
| 2 | fill them |

See the [upstream docs](https://example.com/pdf).
"""


@pytest.fixture(scope="session")
def server():
    instance = support.Server().start()
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def git_repo():
    daemon = support.GitDaemon(SYNC_SKILLS).start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def seeded(server):
    """Assets and users every test may read: pdf-tools (two versions, the first yanked), a
    deprecated skill, a skill with a hostile README, an agent, a tool, 21 bulk skills for paging,
    and the regular user dana."""
    dana = server.register("dana", "dana@example.com", USER_PASSWORD)
    key = dana["api_key"]
    server.publish("skill", {"SKILL.md": skill_md("pdf-tools", "Read and fill PDF forms", PDF_README, version="1.0.0", tags=("pdf", "documents"), license="MIT", compatibility="Claude Code 1.x"), "scripts/fill.py": "print('fill')\n"}, key=key)
    server.publish("skill", {"SKILL.md": skill_md("pdf-tools", "Read and fill PDF forms", PDF_README, version="1.1.0", tags=("pdf", "documents"), license="MIT", compatibility="Claude Code 1.x"), "scripts/fill.py": "print('fill v2')\n", "scripts/merge.py": "print('merge')\n"}, key=key)
    server.request("POST", "/assets/skill/pdf-tools/versions/1.0.0/yank", {"reason": "writes broken checkboxes"}, key=key)
    server.install("skill", "pdf-tools", key=key)  # counted once per user and day
    server.install("skill", "pdf-tools", times=3)  # the admin key has no user: each one counts
    server.publish("skill", {"SKILL.md": skill_md("old-formatter", "Formats code the old way", "# Old formatter\n", tags=("format",))})
    server.request("PUT", "/assets/skill/old-formatter/deprecation", {"message": "use pdf-tools instead"})
    server.publish("skill", {"SKILL.md": skill_md("readme-xss", "A README that tries to run script", MALICIOUS_README, tags=("security",))})
    server.publish("agent", {"AGENT.md": "---\nname: code-reviewer\ndescription: Reviews pull requests\nskills: [pdf-tools]\ntags: [review]\n---\nYou review code carefully.\n"})
    server.install("agent", "code-reviewer", times=2)
    server.publish("tool", {"mcp.json": '{"name": "github-mcp", "description": "GitHub issues and pull requests", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"GITHUB_TOKEN": "secret"}, "tags": ["github"]}'})
    for number in range(1, 22):
        server.publish("skill", {"SKILL.md": skill_md(f"bulk-skill-{number:02d}", f"Bulk skill number {number}", "# Bulk\n", tags=("bulk",))})
    return {"dana_key": key}


class Browser:
    """A Chromium with the helpers the tests need. Every wait is explicit (WebDriverWait)."""

    def __init__(self, base_url: str, width: int = 1280, height: int = 900):
        self.base = base_url
        self.driver = support.chrome(width, height)
        self.console: list[dict] = []

    # ---- navigation ----

    def open(self, route: str = "/", *, fresh: bool = False):
        """Goes to a hash route; fresh reloads the document, so the app starts over from storage."""
        if fresh:
            # Leave the app's document first, so the next load starts it from storage.
            self.driver.get(f"{self.base}/health")
        self.driver.get(f"{self.base}/#{route}")
        self.wait_ready()

    def wait_ready(self):
        self.wait_until(lambda d: d.execute_script("return document.documentElement.dataset.ready === 'true'"), "the app did not start")

    def hash(self) -> str:
        return self.driver.execute_script("return window.location.hash")

    # ---- waiting and finding ----

    def wait_until(self, condition, message: str = "", timeout: float = 15):
        try:
            # Pages re-render after each action: an element found a moment ago may be gone.
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(condition)
        except TimeoutException as error:
            raise AssertionError(f"timed out: {message}\nURL {self.driver.current_url}\nconsole: {self.read_console()}") from error

    def find(self, css: str, timeout: float = 15):
        return self.wait_until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), f"no visible {css}", timeout)

    def find_all(self, css: str):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_text(self, css: str, text: str, timeout: float = 15):
        """Waits for an element matching css whose text contains `text`; returns it."""
        def found(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                try:
                    if text in element.text:
                        return element
                except Exception:  # stale while re-rendering
                    continue
            return False
        return self.wait_until(found, f"no {css} containing {text!r}", timeout)

    def wait_gone(self, css: str, text: str | None = None, timeout: float = 15):
        def gone(driver):
            elements = driver.find_elements(By.CSS_SELECTOR, css)
            try:
                return not any(text is None or text in element.text for element in elements)
            except Exception:
                return False
        self.wait_until(gone, f"{css} {text!r} is still there", timeout)

    def button(self, label: str, within=None, timeout: float = 15):
        """A visible, enabled button (or button-styled link) whose text or aria-label is `label`."""
        scope = within or self.driver
        match = f"[normalize-space(.)={xpath_literal(label)} or @aria-label={xpath_literal(label)}]"
        def clickable(_):
            # Real buttons first: a nav link may share a button's words ("Log in").
            for xpath in (f".//button{match}", f".//a{match}"):
                for element in scope.find_elements(By.XPATH, xpath):
                    try:
                        if element.is_displayed() and element.is_enabled():
                            return element
                    except Exception:  # replaced while re-rendering
                        continue
            return False
        return self.wait_until(clickable, f"no button {label!r}", timeout)

    def click(self, label: str, within=None):
        for attempt in range(3):
            element = self.button(label, within)
            try:
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
                element.click()
                return element
            except StaleElementReferenceException:
                if attempt == 2:
                    raise
        return None

    def fill(self, label: str, value: str, within=None):
        """Types into the input that a <label> with this text points at."""
        scope = within or self.driver
        xpath = f".//label[normalize-space(.)={xpath_literal(label)} or normalize-space(.)={xpath_literal(label + ' *')}]"
        label_element = self.wait_until(lambda _: next((element for element in scope.find_elements(By.XPATH, xpath) if element.is_displayed()), False), f"no label {label!r}")
        field = self.driver.find_element(By.ID, label_element.get_attribute("for"))
        if field.tag_name == "select":
            from selenium.webdriver.support.ui import Select
            Select(field).select_by_value(value)
        else:
            field.clear()
            field.send_keys(value)
        return field

    def dialog(self):
        return self.find("dialog[open]")

    def confirm_dialog(self, **values):
        """Fills the open dialog's fields (by label) and presses its submit button."""
        dialog = self.dialog()
        for label, value in values.items():
            self.fill(label.replace("_", " "), value, within=dialog)
        dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait_until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"), "the dialog did not close")

    # ---- session ----

    def login(self, email: str, password: str):
        self.open("/login")
        self.fill("E-mail", email)
        self.fill("Password", password)
        self.click("Log in", within=self.find("main form"))
        self.wait_until(EC.presence_of_element_located((By.ID, "logout-button")), "logged in")  # hidden in the phone menu

    def login_admin(self):
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD)

    def storage(self) -> dict:
        return self.driver.execute_script("return {local: Object.assign({}, localStorage), session: Object.assign({}, sessionStorage)}")

    # ---- console ----

    def read_console(self) -> list[dict]:
        try:
            self.console.extend(self.driver.get_log("browser"))
        except Exception:
            pass
        return self.console

    def assert_console_clean(self):
        bad = support.bad_console_entries(self.read_console())
        assert not bad, "the browser console reported CSP violations or script errors:\n" + "\n".join(bad)

    def quit(self):
        self.driver.quit()


def xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


@pytest.fixture
def browser(server, seeded):
    instance = Browser(server.url)
    yield instance
    try:
        instance.assert_console_clean()
    finally:
        instance.quit()
