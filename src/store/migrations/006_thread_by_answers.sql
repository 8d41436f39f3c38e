-- A citizen who replies to OUR answer (a reply tweet, an e-mail) names our message's id; the
-- answers' ids (without e-mail's angle brackets) find the report they belong to.
create index report_events_answer_id_idx on report_events ((btrim(data->>'externalId', '<>')))
  where type = 'message_out';
