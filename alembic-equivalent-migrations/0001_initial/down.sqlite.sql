-- 0001_initial down (SQLite): drops the whole data model, children first. The assets <->
-- asset_versions cycle is broken first so the implicit deletes pass the foreign-key checks.
UPDATE assets SET latest_version_id = NULL;
DROP TABLE audit_log;
DROP TABLE sync_diagnostics;
DROP TABLE sync_runs;
DROP TABLE install_events;
DROP TABLE asset_references;
DROP TABLE asset_tags;
DROP TABLE version_files;
DROP TABLE blobs;
DROP TABLE asset_versions;
DROP TABLE assets;
DROP TABLE sync_sources;
DROP TABLE api_keys;
DROP TABLE users;
