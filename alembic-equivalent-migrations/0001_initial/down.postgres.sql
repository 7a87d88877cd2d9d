-- 0001_initial down (PostgreSQL): drops the whole data model, children first.
ALTER TABLE assets DROP CONSTRAINT assets_latest_version_fk;
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
