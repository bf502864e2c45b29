-- A voter's address is kept only while their voting link waits to be sent: a message marked
-- forget_recipient has its recipient erased once it is sent or given up, and organizers never
-- see it. Voting links already in the outbox are marked, and those sent lose their address.
    ALTER TABLE outbox ADD COLUMN forget_recipient INTEGER NOT NULL DEFAULT 0 CHECK (forget_recipient IN (0, 1));
    UPDATE outbox SET forget_recipient = 1 WHERE private = 1 AND subject LIKE 'Your link to vote in %';
    UPDATE outbox SET last_error = replace(last_error, recipient, '(the voter)') WHERE forget_recipient = 1 AND last_error IS NOT NULL;
    UPDATE outbox SET recipient = '(a voter''s address, erased after sending)' WHERE forget_recipient = 1 AND (sent_at IS NOT NULL OR attempts >= 5);
