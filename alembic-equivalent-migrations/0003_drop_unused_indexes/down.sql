CREATE INDEX asset_versions_digest_idx ON asset_versions (digest);
CREATE INDEX version_files_sha256_idx ON version_files (sha256);
