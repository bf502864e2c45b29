-- PostgreSQL's version of 0014_ids_never_reused: nothing to do. SQLite needed AUTOINCREMENT,
-- added by rebuilding tables, to never hand out an id again; PostgreSQL's identity columns
-- draw from sequences, which never go back.
SELECT 1;
