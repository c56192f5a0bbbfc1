-- 0013_api_tokens
-- API tokens for integrations: made by the owner (admin or `souk admin token`), each acting as one
-- account with a scope, shown once and stored only as a SHA-256 hash; revoked, never deleted, so
-- the audit log's token names keep meaning something.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    token_hash BLOB NOT NULL UNIQUE,
    -- The token's last four characters, to tell tokens apart on the admin page.
    hint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The answers to the admin API's write calls that came with an Idempotency-Key: a retry with the
-- same key and body gets the same answer, and nothing happens twice. Kept a day.
CREATE TABLE api_replies (
    token_id INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (token_id, key)
);
CREATE INDEX api_replies_created ON api_replies (created_at);
