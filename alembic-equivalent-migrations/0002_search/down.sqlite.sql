DROP TABLE asset_search;
