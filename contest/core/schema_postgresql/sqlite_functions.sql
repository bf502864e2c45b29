-- The SQLite functions and collation that the queries use, for PostgreSQL: created (or
-- replaced) each time the database is opened, before the migrations. Queries stay written
-- once, in SQLite's words; contest/core/dialect.py says what else is rewritten.

-- SQLite's NOCASE: equal and sorted ignoring case (ICU's secondary strength).
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'nocase') THEN
        CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    END IF;
END $$;

-- strftime('%s', moment): seconds since 1970 of a stored moment ('2026-03-02T09:00:00Z').
CREATE OR REPLACE FUNCTION strftime(format text, moment text) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN format = '%s'
        THEN floor(extract(epoch FROM moment::timestamptz))::bigint::text END
$$;

-- SQLite's scalar max(a, b) and min(a, b) (the one-argument forms are the aggregates), for
-- whole numbers, exact decimals and floating point: NULL when either is NULL, as in SQLite
-- (PostgreSQL's greatest and least skip NULLs).
CREATE OR REPLACE FUNCTION max(a bigint, b bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT greatest(a, b) $$;
CREATE OR REPLACE FUNCTION min(a bigint, b bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT least(a, b) $$;
CREATE OR REPLACE FUNCTION max(a numeric, b numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT greatest(a, b) $$;
CREATE OR REPLACE FUNCTION min(a numeric, b numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT least(a, b) $$;
CREATE OR REPLACE FUNCTION max(a double precision, b double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT greatest(a, b) $$;
CREATE OR REPLACE FUNCTION min(a double precision, b double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT least(a, b) $$;

-- instr(text, part): where part first appears in text, from 1 (0: nowhere).
CREATE OR REPLACE FUNCTION instr(text text, part text) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT strpos(text, part) $$;

-- sum(condition): how many rows meet it (SQLite counts true as 1); NULL over no rows.
CREATE OR REPLACE FUNCTION sum_true(total bigint, condition boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN condition IS NULL THEN total
        ELSE coalesce(total, 0) + CASE WHEN condition THEN 1 ELSE 0 END END
$$;
CREATE OR REPLACE AGGREGATE sum(boolean) (SFUNC = sum_true, STYPE = bigint);

-- round(x, digits) of a double (PostgreSQL rounds only numeric to a number of digits).
CREATE OR REPLACE FUNCTION round(x double precision, digits integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$ SELECT round(x::numeric, digits)::double precision $$;

-- JSON in text columns: whether a text is JSON, a top-level key of it ('$.key'), and the
-- elements of an array as rows of one column, value.
CREATE OR REPLACE FUNCTION json_valid(document text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM document::json;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END $$;
CREATE OR REPLACE FUNCTION json_extract(document text, path text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT document::json ->> substr(path, 3) $$;
-- json(document): SQLite checks a JSON text and gives it back minified; here it is parsed
-- once into jsonb, so json_extract reads each field of it without parsing the text again.
CREATE OR REPLACE FUNCTION json(document text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $$ SELECT document::jsonb $$;
CREATE OR REPLACE FUNCTION json_extract(document jsonb, path text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT document ->> substr(path, 3) $$;
-- (json(...) of a literal is PostgreSQL's own cast to its json type: read that as well.)
CREATE OR REPLACE FUNCTION json_extract(document json, path text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT document ->> substr(path, 3) $$;
CREATE OR REPLACE FUNCTION json_each(document text) RETURNS TABLE (value text)
    LANGUAGE sql IMMUTABLE AS $$ SELECT json_array_elements_text(document::json) $$;
