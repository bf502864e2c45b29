    CREATE VIEW counted_likes AS
        SELECT * FROM likes WHERE kind = 'vote' AND voided_at IS NULL;
