-- What triage worked out for a report (src/domain/triage/triage.ts TriageRecord): the place and
-- category guesses with confidences and candidates, the kind, substance flags. Shown to officers;
-- the triage desk works from the candidates.
alter table reports add column triage jsonb;
