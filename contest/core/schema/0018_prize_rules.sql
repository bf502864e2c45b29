    ALTER TABLE contests ADD COLUMN one_judged_prize_per_person INTEGER NOT NULL DEFAULT 1;
