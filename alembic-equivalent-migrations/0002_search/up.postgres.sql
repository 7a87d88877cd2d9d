-- 0002_search (PostgreSQL): full-text search over assets with a weighted tsvector
-- (name A, description and tags B, README D), kept by the store, with a GIN index.
ALTER TABLE assets ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX assets_search_idx ON assets USING GIN (search_vector);
