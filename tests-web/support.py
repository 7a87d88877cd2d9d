"""What the browser tests and the screenshot script share: a live agenthub-server on a free port in
a temporary data folder, a local git daemon serving a bare repository, a small API client, and a
headless Chromium driven by Selenium."""
from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend-static"
ADMIN_EMAIL = "admin@agenthub.local"
ADMIN_PASSWORD = "admin-password-web-1"
ADMIN_API_KEY = "web-ui-tests-admin-key-0123456789abcdef"


def server_binary() -> pathlib.Path:
    return pathlib.Path(os.environ.get("AGENTHUB_SERVER_BINARY", "/tmp/ui-server/agenthub-server"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class APIError(Exception):
    def __init__(self, status: int, body):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


class Server:
    """agenthub-server serve, started on a free port with its own DATA_DIR; stop() sends SIGTERM."""

    def __init__(self, binary: pathlib.Path | None = None):
        self.binary = binary or server_binary()
        if not self.binary.exists():
            raise RuntimeError(f"server binary not found: {self.binary} (set AGENTHUB_SERVER_BINARY)")
        self.data = pathlib.Path(tempfile.mkdtemp(prefix="agenthub-web-"))
        self.log_path = self.data / "server.log"
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "Server":
        env = dict(
            os.environ,
            PORT="0",
            HOST="127.0.0.1",
            DATA_DIR=str(self.data),
            FRONTEND_DIR=str(FRONTEND),
            MIGRATIONS_DIR=str(ROOT / "alembic-equivalent-migrations"),
            BCRYPT_COST="4",
            ADMIN_PASSWORD=ADMIN_PASSWORD,
            ADMIN_API_KEY=ADMIN_API_KEY,
            LOGIN_RATE_LIMIT="10000",
            SYNC_ENABLED="false",
            LOG_LEVEL="warning",
        )
        env.pop("DATABASE_URL", None)
        self.process = subprocess.Popen([str(self.binary), "serve"], env=env, stdout=subprocess.PIPE, stderr=open(self.log_path, "w"), text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            match = re.search(r"listening on (http://\S+)", line or "")
            if match:
                self.url = match.group(1).rstrip("/")
                return self
            if not line and self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError("agenthub-server did not start:\n" + self.log_path.read_text())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.data, ignore_errors=True)

    # ---- API ----

    def request(self, method: str, path: str, body=None, *, key: str | None = ADMIN_API_KEY, token: str | None = None, expect: int | tuple | None = None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif key:
            headers["X-API-Key"] = key
        request = urllib.request.Request(self.url + "/api/v1" + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        payload = json.loads(text) if text else None
        wanted = (expect,) if isinstance(expect, int) else expect
        if wanted and status not in wanted:
            raise APIError(status, payload)
        if not wanted and status >= 400:
            raise APIError(status, payload)
        return payload

    def register(self, username: str, email: str, password: str) -> dict:
        return self.request("POST", "/auth/register", {"username": username, "email": email, "password": password}, key=None, expect=201)

    def login(self, email: str, password: str) -> str:
        return self.request("POST", "/auth/login", {"email": email, "password": password}, key=None)["token"]

    def publish(self, kind: str, files: dict, key: str = ADMIN_API_KEY) -> dict:
        return self.request("POST", f"/assets/{kind}", {"files": files}, key=key, expect=(200, 201))

    def install(self, kind: str, name: str, key: str = ADMIN_API_KEY, times: int = 1, agent: str = "claude") -> None:
        for _ in range(times):
            self.request("POST", f"/assets/{kind}/{name}/installs", {"agent_type": agent}, key=key, expect=204)

    def wait_for_run(self, run_id: int, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.request("GET", f"/admin/sync-runs/{run_id}")
            if run.get("finished_at"):
                return run
            time.sleep(0.2)
        raise RuntimeError(f"sync run {run_id} did not finish in {timeout} s")


def skill_md(name: str, description: str, body: str, *, tags=(), version: str | None = None, license: str | None = None, compatibility: str | None = None) -> str:
    lines = ["---", f"name: {name}", f"description: {json.dumps(description)}"]  # a JSON string is a YAML string
    if version:
        lines.append(f"version: {version}")
    if license:
        lines.append(f"license: {license}")
    if compatibility:
        lines.append(f"compatibility: {compatibility}")
    if tags:
        lines.append("tags: [" + ", ".join(tags) + "]")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


class GitDaemon:
    """A bare repository with skills (and one broken SKILL.md) served by `git daemon` on a free port."""

    def __init__(self, skills: dict[str, str], repo_name: str = "skills.git"):
        self.base = pathlib.Path(tempfile.mkdtemp(prefix="agenthub-git-"))
        self.repo_name = repo_name
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        work = self.base / "work"
        work.mkdir()
        for path, text in skills.items():
            target = work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        git_env = dict(os.environ, GIT_AUTHOR_NAME="Web Tests", GIT_AUTHOR_EMAIL="tests@example.com", GIT_COMMITTER_NAME="Web Tests", GIT_COMMITTER_EMAIL="tests@example.com", GIT_CONFIG_NOSYSTEM="1", HOME=str(self.base))
        for args in (["init", "-q", "-b", "main", "."], ["add", "-A"], ["commit", "-q", "-m", "Add skills"]):
            subprocess.run(["git", *args], cwd=work, env=git_env, check=True, capture_output=True)
        subprocess.run(["git", "clone", "-q", "--bare", str(work), str(self.base / "repos" / repo_name)], env=git_env, check=True, capture_output=True)
        self.commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, env=git_env, check=True, capture_output=True, text=True).stdout.strip()

    @property
    def url(self) -> str:
        return f"git://127.0.0.1:{self.port}/{self.repo_name}"

    def start(self) -> "GitDaemon":
        self.process = subprocess.Popen(
            ["git", "daemon", "--export-all", "--reuseaddr", f"--base-path={self.base / 'repos'}", "--listen=127.0.0.1", f"--port={self.port}", str(self.base / "repos")],
            stdout=subprocess.DEVNULL,
            stderr=open(self.base / "daemon.log", "w"),
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)


SYNC_SKILLS = {
    "skills/csv-cleaner/SKILL.md": skill_md("csv-cleaner", "Clean and normalise CSV exports before analysis", "# CSV cleaner\n\nFixes delimiters, encodings and header rows.\n", tags=("csv", "data")),
    "skills/csv-cleaner/scripts/clean.py": "import csv\n\nprint('cleaning')\n",
    "skills/web-fetch/SKILL.md": skill_md("web-fetch", "Fetch a web page and turn it into Markdown", "# Web fetch\n\nUses a headless browser when a page needs scripts.\n", tags=("web",)),
    "skills/broken/SKILL.md": "---\nname: Broken Name!\ndescription: a skill whose name breaks the rules\n---\nThis one cannot be imported.\n",
}


# ---- the browser ----

def chrome(width: int = 1280, height: int = 900):
    """Headless Debian Chromium with its console log readable through get_log("browser")."""
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--lang=en-US", "--disable-extensions", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(os.environ.get("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver")))
    driver.set_page_load_timeout(30)
    return driver


def set_viewport(driver, width: int, height: int, mobile: bool = False) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def full_page_png(driver, path: pathlib.Path, max_height: int = 5000) -> None:
    """A screenshot of the whole page (not only the viewport), up to max_height CSS pixels."""
    import base64

    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    viewport = metrics.get("cssLayoutViewport") or metrics["layoutViewport"]
    width = viewport["clientWidth"]
    height = min(max(size["height"], viewport["clientHeight"]), max_height)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))


CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy", "Refused to")


def bad_console_entries(entries: list[dict]) -> list[str]:
    """CSP violations and uncaught script errors; expected 4xx answers are not listed."""
    bad = []
    for entry in entries:
        message = entry.get("message", "")
        if any(marker in message for marker in CSP_MARKERS) or "Uncaught" in message:
            bad.append(message)
    return bad
