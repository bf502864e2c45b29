-- PostgreSQL's version of 0027_hashtag_order: the column only (a database made on PostgreSQL
-- has always numbered its hashtags).
ALTER TABLE entry_hashtags ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
