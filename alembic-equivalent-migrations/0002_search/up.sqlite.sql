-- 0002_search (SQLite): full-text search over assets with FTS5. One row per asset, rowid = assets.id,
-- kept by the store when an asset's name, description, tags or README change.
CREATE VIRTUAL TABLE asset_search USING fts5(
    name, description, tags, readme,
    tokenize = 'unicode61 remove_diacritics 2'
);
