-- 003: channels and delivery. A platform can report a failure after it
-- accepted a message (WhatsApp's "failed" status webhook, e.g. 131047 when
-- the 24-hour window had closed): the reason is kept beside the transcript
-- row so the operator view can say why a message never arrived.
ALTER TABLE messages ADD COLUMN error TEXT;

-- The dead-letter view lists dead rows newest first.
CREATE INDEX outbox_dead ON outbox (id) WHERE state = 'dead';
