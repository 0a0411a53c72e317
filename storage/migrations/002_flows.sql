-- 002: what flows need beyond a turn. Follow-up messages a flow scheduled
-- (sent later through the outbox, in the person's language of that moment),
-- and erasures on request counted without anything that points to a person.

-- A follow_up node's message. `text_key` is a catalog key, rendered when it
-- is due; 'skipped' when the person paused messages or cannot be reached
-- then. Erasure deletes the rows (they say what a person was told to do).
CREATE TABLE follow_ups (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  due_at INTEGER NOT NULL,
  text_key TEXT NOT NULL,
  flow TEXT NOT NULL,
  node TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'skipped')),
  created_at INTEGER NOT NULL,
  done_at INTEGER
);
-- The sender scans only pending rows, by due time.
CREATE INDEX follow_ups_due ON follow_ups (due_at, id) WHERE state = 'pending';
CREATE INDEX follow_ups_contact ON follow_ups (contact_id);

-- Erasures per UTC day and channel: the observatory may count them; nothing
-- here identifies anyone.
CREATE TABLE erasures (
  day TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp', 'webchat')),
  count INTEGER NOT NULL CHECK (count > 0),
  PRIMARY KEY (day, channel)
) WITHOUT ROWID;
