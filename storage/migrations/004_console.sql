-- 004: the operator console. Operators and their login sessions, the audit
-- log, and what operators add to a case: claim, outcome, notes, events,
-- action-plan tasks. 002 and 003 are taken by other branches; the gap is
-- harmless (migrations apply in number order, each once).
--
-- Personal data still hangs off contacts (ON DELETE CASCADE through cases):
-- notes and tasks go when a person is erased. The audit log keeps only ids
-- and action names, never message text, so it outlives the erasure.

CREATE TABLE operators (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'author', 'admin')),
  -- Argon2id, PHC string format ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- A login. Only the SHA-256 of the cookie's token is stored, so a copy of
-- the database cannot be replayed as a login. csrf_token is echoed by the
-- console in the X-CSRF-Token header of every state-changing request.
CREATE TABLE operator_sessions (
  token_hash TEXT PRIMARY KEY,
  operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id);
CREATE INDEX operator_sessions_expires ON operator_sessions (expires_at);

-- Who did what, when, on which case. No foreign keys on purpose: the trail
-- stays when a case is erased with its contact or an operator is removed.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  operator_id INTEGER,
  operator_name TEXT NOT NULL,
  action TEXT NOT NULL,
  case_id INTEGER,
  detail TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id) WHERE case_id IS NOT NULL;
-- Login throttling counts recent 'login.failed' rows of a name.
CREATE INDEX audit_log_login ON audit_log (operator_name, action, created_at);

-- Claims and outcomes. `version` grows with every operator change: an edit
-- made against an older version is refused (409), not silently merged.
ALTER TABLE cases ADD COLUMN claimed_by INTEGER REFERENCES operators (id) ON DELETE SET NULL;
ALTER TABLE cases ADD COLUMN claimed_at INTEGER;
ALTER TABLE cases ADD COLUMN resolved_at INTEGER;
ALTER TABLE cases ADD COLUMN outcome TEXT;
ALTER TABLE cases ADD COLUMN municipality TEXT;
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX cases_claimed_by ON cases (claimed_by) WHERE claimed_by IS NOT NULL;

-- Internal notes: operators only, never sent to the person.
CREATE TABLE case_notes (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  operator_id INTEGER REFERENCES operators (id) ON DELETE SET NULL,
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at INTEGER NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, id);
CREATE INDEX case_notes_operator ON case_notes (operator_id);

-- The individual action plan (planning phase): tasks with an owner, a due
-- date and a status.
CREATE TABLE case_tasks (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  owner_id INTEGER REFERENCES operators (id) ON DELETE SET NULL,
  due_at INTEGER,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX case_tasks_case ON case_tasks (case_id, id);
CREATE INDEX case_tasks_owner ON case_tasks (owner_id);

-- Canned answers: one text per (key, language), with {variables} filled in
-- when sent. The operator picks the key; Ponte sends the person's language.
CREATE TABLE canned_answers (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
  language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 16),
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  updated_at INTEGER NOT NULL,
  UNIQUE (key, language)
);

-- Reminders: a canned answer sent to the person at a set time, in their
-- language, through the outbox. `vars` fills the answer's {variables}.
CREATE TABLE reminders (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  task_id INTEGER REFERENCES case_tasks (id) ON DELETE SET NULL,
  canned_key TEXT NOT NULL,
  vars TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(vars)),
  due_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'cancelled', 'failed')),
  created_by INTEGER REFERENCES operators (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  last_error TEXT
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE state = 'pending';
CREATE INDEX reminders_case ON reminders (case_id);
CREATE INDEX reminders_task ON reminders (task_id);
CREATE INDEX reminders_created_by ON reminders (created_by);

-- Call-back requests: a person asked to be phoned, at times they prefer.
-- Operators work through the list; phone and slots are personal data and go
-- with the contact.
CREATE TABLE callbacks (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  case_id INTEGER REFERENCES cases (id) ON DELETE SET NULL,
  phone TEXT NOT NULL,
  slots TEXT NOT NULL,
  language TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'done', 'cancelled')),
  done_by INTEGER REFERENCES operators (id) ON DELETE SET NULL,
  done_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX callbacks_open ON callbacks (created_at) WHERE state = 'requested';
CREATE INDEX callbacks_contact ON callbacks (contact_id);
CREATE INDEX callbacks_case ON callbacks (case_id);
CREATE INDEX callbacks_done_by ON callbacks (done_by);
