# AgentHub for Swift: the registry server `agenthub-server` and the `agenthub` CLI in one image.
#
#   docker build -t agenthub/agenthub-server:latest .
#   docker run -p 8000:8000 -v agenthub-data:/data agenthub/agenthub-server:latest
#   docker run --rm -e DATABASE_URL=postgres://… agenthub/agenthub-server:latest migrate up
#
# The build needs frontend-static/ (the web front end) in the build context.

# ---------------------------------------------------------------------------------------------
# Build stage: the official Swift image for Debian 12, at the toolchain the project is built and
# tested with (Swift 6.3.1; Package.swift needs tools-version 6.1). It already has
# libcurl4-openssl-dev, which the static FoundationNetworking needs at link time.
FROM swift:6.3.1-bookworm AS build

# Debian's packages are not pinned to exact versions (DL3008): bookworm's security updates replace
# them, and a pinned version that is gone from the mirror would break the build.
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -y -q --no-install-recommends libgit2-dev pkg-config zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, so that a change to the sources does not fetch them again. `Package.*`
# also takes Package.resolved when the context has one (pinned versions); without one the
# versions are resolved afresh, as on a fresh clone.
COPY Package.* ./
RUN swift package resolve

COPY Sources ./Sources
# Package.swift also declares the test targets, TestSupport with a custom path under Tests/;
# SwiftPM refuses to load a package whose target path is missing ("invalid custom path"), so
# Tests/ comes along although no test is built.
COPY Tests ./Tests

# `--static-swift-stdlib` links the Swift runtime, Foundation (with its ICU data) and
# FoundationNetworking into the binaries, so the runtime image needs no Swift libraries. What
# stays dynamic is Debian's: libc, libstdc++, libgcc_s, libm, libz, libgit2 (agenthub-server)
# and libcurl (FoundationNetworking: the server lists GitHub/GitLab repositories with
# URLSession; the CLI uses AsyncHTTPClient and needs no libcurl). Checked on Swift 6.3.1 /
# Debian 12: a static FoundationNetworking binary needs exactly libcurl.so.4 beyond glibc and
# libstdc++.
# One `swift build` per product: `--product` takes one value (given twice, only the last one
# is built); the second build reuses the modules the first compiled. `strip --strip-debug` drops
# the DWARF but keeps the symbol table, so crash backtraces still name the functions.
# swift-backtrace-static is the toolchain's crash reporter for statically linked programs.
RUN swift build -c release --static-swift-stdlib --product agenthub-server \
    && swift build -c release --static-swift-stdlib --product agenthub \
    && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
    && mkdir -p /staging/bin /staging/libexec \
    && cp "$bin/agenthub-server" "$bin/agenthub" /staging/bin/ \
    && strip --strip-debug /staging/bin/agenthub-server /staging/bin/agenthub \
    && cp "$(dirname "$(readlink -f "$(command -v swift)")")/../libexec/swift/linux/swift-backtrace-static" \
          /staging/libexec/

# ---------------------------------------------------------------------------------------------
# Runtime stage: Debian 12 slim with the shared libraries the binaries link and nothing else.
FROM debian:bookworm-slim AS runtime

# libgit2-1.5: the sync worker (Debian's libgit2, the same major version it was built against).
# libcurl4: FoundationNetworking. ca-certificates: HTTPS git servers and APIs (GIT_CA_FILE adds
# an internal CA to /etc/ssl/certs/ca-certificates.crt). curl: the health check.
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -y -q --no-install-recommends libgit2-1.5 libcurl4 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*

# A fixed, non-root user: uid/gid 10001 (Kubernetes' runAsUser/fsGroup use the same number).
RUN groupadd --system --gid 10001 agenthub \
    && useradd --system --uid 10001 --gid agenthub --home-dir /nonexistent --no-create-home \
               --shell /usr/sbin/nologin agenthub \
    && mkdir -p /data \
    && chown agenthub:agenthub /data \
    && chmod 0750 /data

COPY --from=build /staging/bin/agenthub-server /staging/bin/agenthub /usr/local/bin/
COPY --from=build /staging/libexec/swift-backtrace-static /usr/local/libexec/swift-backtrace-static

# The server finds its migrations and the web UI in `share/agenthub/` beside its binary (it reads
# its own path from /proc/self/exe): /usr/local/share/agenthub/… for /usr/local/bin/agenthub-server.
# MIGRATIONS_DIR and FRONTEND_DIR override that.
COPY alembic-equivalent-migrations/ /usr/local/share/agenthub/alembic-equivalent-migrations/
COPY frontend-static/ /usr/local/share/agenthub/frontend-static/
WORKDIR /usr/local/share/agenthub

# DATA_DIR is absolute: the working directory above is read-only for the agenthub user.
# SWIFT_BACKTRACE: a crash prints a backtrace (memory contents sanitised) instead of dying silently.
ENV HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=none,interactive=no,swift-backtrace=/usr/local/libexec/swift-backtrace-static

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

# ${PORT} is read when the check runs, so `-e PORT=…` keeps it right.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/bin/sh", "-c", "curl -fsS \"http://127.0.0.1:${PORT:-8000}/health\" >/dev/null || exit 1"]

# agenthub-server handles SIGTERM/SIGINT itself (graceful shutdown), so it can be PID 1.
ENTRYPOINT ["/usr/local/bin/agenthub-server"]
CMD ["serve"]
