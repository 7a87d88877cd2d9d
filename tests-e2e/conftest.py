"""Fixtures for end-to-end tests against the built agenthub-server: a live server on a free port
with its own data folder, and a user with an API key."""
import json
import os
import pathlib
import re
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def server_binary() -> pathlib.Path:
    configured = os.environ.get("AGENTHUB_SERVER_BIN")
    if configured:
        return pathlib.Path(configured)
    path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    return pathlib.Path(path) / "agenthub-server"


class Server:
    def __init__(self, url: str, process: subprocess.Popen, data: pathlib.Path):
        self.url = url
        self.process = process
        self.data = data

    def request(self, method: str, path: str, body=None, key: str = ""):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", "X-API-Key": key})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read().decode() or "null")


@pytest.fixture(scope="module")
def server():
    data = pathlib.Path(tempfile.mkdtemp(prefix="agenthub-e2e-"))
    env = dict(os.environ, DATA_DIR=str(data), PORT="0", HOST="127.0.0.1", BCRYPT_COST="4",
               ADMIN_PASSWORD="admin-password-1", LOG_LEVEL="warning",
               MIGRATIONS_DIR=str(ROOT / "alembic-equivalent-migrations"))
    env.pop("DATABASE_URL", None)
    if os.environ.get("E2E_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["E2E_DATABASE_URL"]
        env["AUTO_MIGRATE"] = "true"
    process = subprocess.Popen([str(server_binary()), "serve"], env=env, stdout=subprocess.PIPE, stderr=open(data / "server.log", "w"), text=True)
    url = None
    deadline = time.time() + 60
    while time.time() < deadline and url is None:
        line = process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line or "")
        if match:
            url = match.group(1)
        elif process.poll() is not None:
            raise RuntimeError("server exited: " + (data / "server.log").read_text())
    assert url, "server did not start"
    yield Server(url, process, data)
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def user(server):
    status, body = server.request("POST", "/api/v1/auth/register",
                                  {"username": "e2e-user", "email": "e2e@example.com", "password": "password-123"})
    assert status == 201, body
    return body["api_key"]
