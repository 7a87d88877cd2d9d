-- 0003_drop_unused_indexes: two indexes of 0001 that no query reads. Both are keyed by SHA-256,
-- so every new version and file lands on a random leaf of each: on a registry of 100,000 skills
-- they were a third of the pages a first sync of 500 skills wrote (docs/benchmarks.md).
-- - asset_versions_digest_idx: no lookup is by a version's digest (packages are found by asset
--   and version; the digest is compared after the row is read).
-- - version_files_sha256_idx: would serve a lookup of the versions that use a blob, or the
--   foreign key's check when a blob is deleted; blobs are never deleted. Inserting a file checks
--   its blob through the blobs primary key, not this index.
DROP INDEX IF EXISTS asset_versions_digest_idx;
DROP INDEX IF EXISTS version_files_sha256_idx;
