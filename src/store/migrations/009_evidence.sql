-- Evidence integrity of follow-up (TL) photos (issue #4; src/domain/evidence.ts, src/app/evidence-check.ts).
--
-- phash: the photo's 64-bit perceptual hash (the unsigned hash in two's complement), computed from
-- the private original when the photo is first checked; null = not hashed yet, or a blank picture.
-- phash_b0..b3: the hash cut into 4 bands of 16 bits (b0 = the highest), for multi-index hashing:
-- two hashes within 11 bits of each other differ in at most 2 bits in at least one band (4 bands of
-- 3 or more differing bits make 12), so the near-match search (src/store/evidence.store.ts) asks each
-- band's index for the 137 values within 2 bits and computes the exact distance on those candidates
-- only. Four btree indexes rather than one GIN index on an array of band keys: the planner estimates
-- "= any(137 values)" from each column's statistics and uses the indexes, whereas for "&& 548 keys"
-- it guessed a third of the table and scanned all of it (measured: 200,000 photos, 0.7 s).
-- evidence_flags: what the last check found, shown to validators only (EvidenceFlag[]; [] = clean;
-- null = never submitted as follow-up evidence). Kept on the photo, not on the follow-up event:
-- a photo belongs to one report, the flags are facts about that photo, and events stay unchanged.
alter table uploads add column phash bigint;
alter table uploads add column phash_b0 integer;
alter table uploads add column phash_b1 integer;
alter table uploads add column phash_b2 integer;
alter table uploads add column phash_b3 integer;
alter table uploads add column evidence_flags jsonb;
create index uploads_phash_b0_idx on uploads (phash_b0) where report_id is not null;
create index uploads_phash_b1_idx on uploads (phash_b1) where report_id is not null;
create index uploads_phash_b2_idx on uploads (phash_b2) where report_id is not null;
create index uploads_phash_b3_idx on uploads (phash_b3) where report_id is not null;
