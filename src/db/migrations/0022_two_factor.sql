-- Admin two-factor (issue 14): an optional TOTP (RFC 6238) per admin user, ten single-use recovery
-- codes (kept as hashes), the sign-in step that waits for a code after the password, and the
-- owner's rule that every admin user must have it.
ALTER TABLE users ADD COLUMN totp_secret BLOB;
-- The secret shown while enrolling, until a code from the app confirms it.
ALTER TABLE users ADD COLUMN totp_pending BLOB;
ALTER TABLE users ADD COLUMN totp_enabled_at TEXT;
-- The time step of the last code accepted: a code is accepted once (RFC 6238 §5.2).
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
-- A password proven right, waiting for the second factor (5 minutes; the cookie holds the token).
CREATE TABLE login_challenges (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    next TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE admin_security (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    require_two_factor INTEGER NOT NULL DEFAULT 0 CHECK (require_two_factor IN (0, 1))
);
INSERT INTO admin_security (id) VALUES (1);
