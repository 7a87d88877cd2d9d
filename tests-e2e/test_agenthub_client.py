"""The real AgentHub Python client (agenthub-cli 0.2.1) against our server: every command users
run must keep working. Each command runs in a temporary HOME and working folder."""
import json
import os
import pathlib
import subprocess
import tempfile

import pytest

SECRET = "ghp-super-secret-token-value"


def cli(home: pathlib.Path, cwd: pathlib.Path, server, key: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(home), SKILLS_REGISTRY_URL=server.url, SKILLS_REGISTRY_API_KEY=key, COLUMNS="200")
    env.pop("AGENTHUB_AGENT_TYPE", None)
    result = subprocess.run(["agenthub-cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return result


@pytest.fixture(scope="module")
def home():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="agenthub-home-"))
    (folder / ".agenthub").mkdir()
    return folder


@pytest.fixture(scope="module")
def project():
    """A project with a skill (text and binary files), an MCP server config and an agent, as the client lays them out for Kiro."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="agenthub-project-"))
    skill = folder / ".kiro/skills/pdf-tools"
    (skill / "scripts").mkdir(parents=True)
    (skill / "SKILL.md").write_text("---\nname: pdf-tools\ndescription: Extract text and tables from PDF files\ntags: [pdf, documents]\n---\n# PDF tools\n\nRun `scripts/extract.py`.\n")
    (skill / "scripts/extract.py").write_text("print('extract')\n")
    (skill / "logo.png").write_bytes(bytes(range(256)) * 4)
    settings = folder / ".kiro/settings"
    settings.mkdir(parents=True)
    (settings / "mcp.json").write_text(json.dumps({"mcpServers": {
        "github-tools": {"command": "npx", "args": ["-y", "@example/github-mcp"], "env": {"GITHUB_TOKEN": SECRET}},
    }}))
    agents = folder / ".kiro/agents"
    agents.mkdir(parents=True)
    (agents / "pdf-reviewer.md").write_text("---\nname: pdf-reviewer\ndescription: Reviews PDF reports\nskills: [pdf-tools]\nmcps: [github-tools]\ntags: [review]\n---\nYou review PDF reports carefully.\n")
    return folder


def fresh_folder() -> pathlib.Path:
    return pathlib.Path(tempfile.mkdtemp(prefix="agenthub-install-"))


def ok(result: subprocess.CompletedProcess) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "API error" not in output, output
    return output


def test_skill_publish_list_find_add(server, user, home, project):
    output = ok(cli(home, project, server, user, "skill", "publish", "pdf-tools"))
    assert "Published pdf-tools" in output
    assert "pdf-tools" in ok(cli(home, project, server, user, "skill", "list"))
    assert "pdf-tools" in ok(cli(home, project, server, user, "find", "pdf"))
    assert "pdf-tools" in ok(cli(home, project, server, user, "find"))

    target = fresh_folder()
    ok(cli(home, target, server, user, "skill", "add", "pdf-tools"))
    installed = target / ".kiro/skills/pdf-tools"
    assert (installed / "SKILL.md").read_text().startswith("---\nname: pdf-tools")
    assert (installed / "scripts/extract.py").read_text() == "print('extract')\n"
    # The old client uploads text files only (it skips logo.png itself); what it sent arrived whole.
    status, skills = server.request("GET", "/api/v1/skills?keyword=pdf-tools")
    skill_id = skills["items"][0]["id"]
    status, package = server.request("GET", f"/api/v1/skills/{skill_id}/install")
    assert status == 200
    assert sorted(package["files"]) == ["SKILL.md", "scripts/extract.py"]
    assert package["binary_files"] == []
    status, detail = server.request("GET", "/api/v1/assets/skill/pdf-tools")
    assert detail["asset"]["installs"] == 1


def test_skill_publish_git_mode(server, user, home):
    repo = fresh_folder()
    skill = repo / "skills/csv-tools"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text("---\nname: csv-tools\ndescription: Clean CSV files\nversion: 2.1.0\n---\nUse it on CSV.\n")
    for command in (["init", "-q"], ["remote", "add", "origin", "https://git.example.com/team/skills.git"],
                    ["add", "."], ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "skill"]):
        subprocess.run(["git", *command], cwd=repo, check=True)
    ok(cli(home, skill, server, user, "skill", "publish", "csv-tools", "--git"))
    status, detail = server.request("GET", "/api/v1/assets/skill/csv-tools/versions/2.1.0")
    assert status == 200
    assert detail["source"]["kind"] == "git"
    assert detail["source"]["git_url"] == "https://git.example.com/team/skills.git"
    assert len(detail["source"]["commit"]) == 40
    assert detail["source"]["path"] == "skills/csv-tools"


def test_mcp_publish_and_add_without_leaking_secrets(server, user, home, project):
    ok(cli(home, project, server, user, "mcp", "publish", "github-tools", "-d", "GitHub MCP server"))
    assert "github-tools" in ok(cli(home, project, server, user, "mcp", "list"))
    target = fresh_folder()
    output = ok(cli(home, target, server, user, "mcp", "add", "github-tools"))
    assert "GITHUB_TOKEN" in output
    config = json.loads((target / ".kiro/settings/mcp.json").read_text())
    server_entry = config["mcpServers"]["github-tools"]
    assert server_entry["command"] == "npx"
    assert server_entry["env"] == {"GITHUB_TOKEN": "${GITHUB_TOKEN}"}
    for path in ["/api/v1/mcps", "/api/v1/search?q=github", "/api/v1/assets/tool/github-tools",
                 "/api/v1/assets/tool/github-tools/versions/1.0.0"]:
        status, body = server.request("GET", path)
        assert status == 200
        assert SECRET not in json.dumps(body), path


def test_agent_publish_list_add(server, user, home, project):
    output = ok(cli(home, project, server, user, "agent", "publish", "pdf-reviewer"))
    assert "pdf-reviewer" in output
    assert "pdf-reviewer" in ok(cli(home, project, server, user, "agent", "list"))
    status, agents = server.request("GET", "/api/v1/agents?keyword=pdf-reviewer")
    agent = agents["items"][0]
    assert agent["skill_names"] == ["pdf-tools"] and agent["mcp_names"] == ["github-tools"]
    assert [reference["status"] for reference in agent["referenced_skills"] + agent["referenced_mcps"]] == ["active", "active"]

    target = fresh_folder()
    ok(cli(home, target, server, user, "agent", "add", "pdf-reviewer"))
    assert (target / ".kiro/agents/pdf-reviewer.json").exists()
    assert (target / ".kiro/skills/pdf-tools/SKILL.md").exists(), "the agent's skill came along"
    assert "github-tools" in json.loads((target / ".kiro/settings/mcp.json").read_text())["mcpServers"]


def test_errors_are_printed_the_client_way(server, home):
    target = fresh_folder()
    result = cli(home, target, server, "sr_" + "x" * 43, "skill", "list")
    # Listing is public: a bad key is still refused, and the client prints the detail.
    assert result.returncode == 1
    assert "API error (401)" in result.stdout + result.stderr


def test_openapi_document_is_valid(server):
    from openapi_spec_validator import validate
    status, document = server.request("GET", "/openapi.json")
    assert status == 200
    validate(document)
