-- 001: the first schema. Times are unix milliseconds UTC in `*_at` columns.
-- Every table holding personal data hangs off `contacts` with ON DELETE
-- CASCADE, so erasure on request is one DELETE of the contact row; the
-- observatory's statistics will live in their own table without personal
-- data. Child columns of foreign keys are indexed: a cascade would otherwise
-- scan the whole child table once per deleted parent row.

-- A person on one channel. (channel, external_id) is the platform identity;
-- chat_id is where replies go (a Telegram chat, a WhatsApp number).
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp', 'webchat')),
  external_id TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  language TEXT,
  display_name TEXT,
  created_at INTEGER NOT NULL,
  last_inbound_at INTEGER,
  -- 1 once the platform said the person cannot be reached (blocked the bot).
  unreachable INTEGER NOT NULL DEFAULT 0 CHECK (unreachable IN (0, 1)),
  UNIQUE (channel, external_id)
);

-- The conversation state the engine resumes from, one row per contact.
CREATE TABLE sessions (
  contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (json_valid(state)),
  -- 'human' while an operator holds the chat: events skip the engine.
  mode TEXT NOT NULL DEFAULT 'bot' CHECK (mode IN ('bot', 'human')),
  updated_at INTEGER NOT NULL
);

-- Webhook dedupe: platforms retry until they get a 2xx. Pruned by age.
CREATE TABLE inbound_keys (
  channel TEXT NOT NULL,
  external_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (channel, external_id)
) WITHOUT ROWID;
CREATE INDEX inbound_keys_received_at ON inbound_keys (received_at);

-- The transcript, both directions; what the console shows an operator.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
  -- The platform's message id, known once sent; delivery receipts look it up.
  external_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX messages_contact ON messages (contact_id, id);
CREATE INDEX messages_external_id ON messages (external_id) WHERE external_id IS NOT NULL;

-- Durable outbound queue: a row is written in the same transaction as the
-- transcript row it delivers, and sent at least once.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  message_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp', 'webchat')),
  recipient TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  expires_at INTEGER
);
-- Only pending rows are scanned at start; sent and dead ones pile up.
CREATE INDEX outbox_pending ON outbox (id) WHERE state = 'pending';
CREATE INDEX outbox_message ON outbox (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX outbox_contact ON outbox (contact_id);

-- Handoff queue and case management. An operator takes cases by priority
-- (0 urgent, 1 high, 2 normal), then by wait. Claims, notes and action plans
-- arrive in later migrations.
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'claimed', 'resolved')),
  phase TEXT NOT NULL DEFAULT 'screening'
    CHECK (phase IN ('screening', 'assessment', 'planning', 'intervention', 'resolution')),
  priority INTEGER NOT NULL DEFAULT 2 CHECK (priority IN (0, 1, 2)),
  topic TEXT NOT NULL,
  reason TEXT NOT NULL,
  summary TEXT NOT NULL,
  language TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp', 'webchat')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- The queue order; queue_position counts rows ahead along it.
CREATE INDEX cases_queue ON cases (status, priority, created_at, id);
-- "Does this person already have an open case?" and the cascade on erasure.
CREATE INDEX cases_contact ON cases (contact_id, status);
