-- 0001_initial (SQLite): the whole data model of the registry, as in up.postgres.sql.
-- Timestamps are ISO-8601 UTC text with milliseconds and Z; ids are INTEGER PRIMARY KEY
-- AUTOINCREMENT (never reused); flags are INTEGER 0/1 with a CHECK.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT NOT NULL CHECK (length(username) BETWEEN 1 AND 64),
    email          TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name   TEXT,
    -- NULL for accounts created by the AgentHub client's password-less /auth/api-key
    password_hash  TEXT,
    role           TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    is_active      INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    last_login_at  TEXT
);
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_role_idx ON users (role);

CREATE TABLE api_keys (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    -- the first characters of the key, indexed, so verification is one bcrypt check
    lookup_prefix  TEXT NOT NULL,
    key_hash       TEXT NOT NULL,
    -- the key managed by AgentHub's /auth/api-key and /users/me/api-key/regenerate
    is_legacy      INTEGER NOT NULL DEFAULT 0 CHECK (is_legacy IN (0, 1)),
    created_at     TEXT NOT NULL,
    last_used_at   TEXT,
    revoked_at     TEXT
);
CREATE INDEX api_keys_lookup_prefix_idx ON api_keys (lookup_prefix);
CREATE INDEX api_keys_user_idx ON api_keys (user_id, revoked_at);

CREATE TABLE sync_sources (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    name                      TEXT NOT NULL UNIQUE,
    kind                      TEXT NOT NULL DEFAULT 'git' CHECK (kind IN ('git', 'github_org', 'gitlab_group')),
    url                       TEXT NOT NULL,
    branch                    TEXT,
    sub_path                  TEXT,
    api_url                   TEXT,
    credential_kind           TEXT NOT NULL DEFAULT 'none' CHECK (credential_kind IN ('none', 'token', 'ssh_key')),
    -- sealed with a key derived from the server secret; never returned or logged
    credentials_ciphertext    BLOB,
    ssh_host_fingerprint      TEXT,
    webhook_secret_ciphertext BLOB,
    interval_seconds          INTEGER NOT NULL DEFAULT 3600 CHECK (interval_seconds > 0),
    enabled                   INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    owner_id                  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    next_run_at               TEXT,
    lease_owner               TEXT,
    lease_expires_at          TEXT,
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL
);
CREATE INDEX sync_sources_due_idx ON sync_sources (enabled, next_run_at);

CREATE TABLE assets (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind                TEXT NOT NULL CHECK (kind IN ('skill', 'agent', 'tool')),
    name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    description         TEXT NOT NULL DEFAULT '',
    owner_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed', 'deleted')),
    deprecation_message TEXT,
    latest_version_id   INTEGER REFERENCES asset_versions (id) ON DELETE SET NULL,
    install_count       INTEGER NOT NULL DEFAULT 0 CHECK (install_count >= 0),
    origin              TEXT NOT NULL DEFAULT 'upload' CHECK (origin IN ('upload', 'sync')),
    sync_source_id      INTEGER REFERENCES sync_sources (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    deleted_at          TEXT,
    UNIQUE (kind, name)
);
CREATE INDEX assets_kind_status_installs_idx ON assets (kind, status, install_count DESC);
CREATE INDEX assets_owner_idx ON assets (owner_id);
CREATE INDEX assets_updated_idx ON assets (updated_at DESC);
CREATE INDEX assets_sync_source_idx ON assets (sync_source_id);

CREATE TABLE asset_versions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    asset_id        INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    version         TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 128),
    version_major   INTEGER NOT NULL CHECK (version_major >= 0),
    version_minor   INTEGER NOT NULL CHECK (version_minor >= 0),
    version_patch   INTEGER NOT NULL CHECK (version_patch >= 0),
    version_pre     TEXT NOT NULL DEFAULT '',
    -- "sha256:<hex>" over the canonical package
    digest          TEXT NOT NULL,
    manifest        TEXT NOT NULL,
    metadata_json   TEXT NOT NULL DEFAULT '{}',
    readme_markdown TEXT NOT NULL DEFAULT '',
    readme_html     TEXT NOT NULL DEFAULT '',
    warnings_json   TEXT NOT NULL DEFAULT '[]',
    source_kind     TEXT NOT NULL CHECK (source_kind IN ('upload', 'git')),
    git_url         TEXT,
    git_ref         TEXT,
    commit_hash     TEXT,
    source_path     TEXT,
    publisher_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    file_count      INTEGER NOT NULL CHECK (file_count >= 0),
    total_size      INTEGER NOT NULL CHECK (total_size >= 0),
    yanked          INTEGER NOT NULL DEFAULT 0 CHECK (yanked IN (0, 1)),
    yank_reason     TEXT,
    yanked_at       TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (asset_id, version)
);
CREATE INDEX asset_versions_asset_created_idx ON asset_versions (asset_id, created_at DESC);
CREATE INDEX asset_versions_digest_idx ON asset_versions (digest);

CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size       INTEGER NOT NULL CHECK (size >= 0),
    content    BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE version_files (
    version_id INTEGER NOT NULL REFERENCES asset_versions (id) ON DELETE CASCADE,
    path       TEXT NOT NULL CHECK (length(path) BETWEEN 1 AND 1024),
    size       INTEGER NOT NULL CHECK (size >= 0),
    mode       INTEGER NOT NULL,
    sha256     TEXT NOT NULL REFERENCES blobs (sha256) ON DELETE RESTRICT,
    PRIMARY KEY (version_id, path)
);
CREATE INDEX version_files_sha256_idx ON version_files (sha256);

CREATE TABLE asset_tags (
    asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 64),
    PRIMARY KEY (asset_id, tag)
);
CREATE INDEX asset_tags_tag_idx ON asset_tags (tag);

-- the skills and tools an agent version refers to, by name
CREATE TABLE asset_references (
    version_id INTEGER NOT NULL REFERENCES asset_versions (id) ON DELETE CASCADE,
    ref_kind   TEXT NOT NULL CHECK (ref_kind IN ('skill', 'tool')),
    ref_name   TEXT NOT NULL,
    PRIMARY KEY (version_id, ref_kind, ref_name)
);
CREATE INDEX asset_references_target_idx ON asset_references (ref_kind, ref_name);

CREATE TABLE install_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    asset_id   INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    version_id INTEGER REFERENCES asset_versions (id) ON DELETE SET NULL,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    agent_type TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX install_events_asset_idx ON install_events (asset_id, created_at);
CREATE INDEX install_events_user_idx ON install_events (user_id, created_at);
CREATE INDEX install_events_created_idx ON install_events (created_at);

CREATE TABLE sync_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id       INTEGER NOT NULL REFERENCES sync_sources (id) ON DELETE CASCADE,
    trigger_kind    TEXT NOT NULL CHECK (trigger_kind IN ('schedule', 'manual', 'webhook', 'cli', 'api')),
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'failed')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    commit_hash     TEXT,
    created_count   INTEGER NOT NULL DEFAULT 0,
    updated_count   INTEGER NOT NULL DEFAULT 0,
    unchanged_count INTEGER NOT NULL DEFAULT 0,
    removed_count   INTEGER NOT NULL DEFAULT 0,
    failed_count    INTEGER NOT NULL DEFAULT 0,
    error           TEXT
);
CREATE INDEX sync_runs_source_started_idx ON sync_runs (source_id, started_at DESC);
CREATE INDEX sync_runs_status_idx ON sync_runs (status);

CREATE TABLE sync_diagnostics (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id     INTEGER NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    asset_id   INTEGER REFERENCES assets (id) ON DELETE SET NULL,
    asset_kind TEXT CHECK (asset_kind IN ('skill', 'agent', 'tool')),
    asset_name TEXT,
    path       TEXT NOT NULL DEFAULT '',
    severity   TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
    message    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX sync_diagnostics_run_idx ON sync_diagnostics (run_id);
CREATE INDEX sync_diagnostics_asset_idx ON sync_diagnostics (asset_id);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- who acted, as text that survives the user: "user:12", "admin-api-key", "anonymous", "system"
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    target_type   TEXT,
    target_id     TEXT,
    detail        TEXT NOT NULL DEFAULT '{}',
    client_ip     TEXT,
    request_id    TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id);
CREATE INDEX audit_log_action_idx ON audit_log (action);
