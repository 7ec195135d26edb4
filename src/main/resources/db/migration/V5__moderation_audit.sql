-- Every moderation action (docs/MODERATION.md): who (the name of the moderator's token), what,
-- on which ids, and the moderator's reason. Never message text, never a client address or its
-- hash. The retention job deletes entries older than 90 days.
CREATE TABLE moderation_audit (
    id         uuid        PRIMARY KEY,
    at         timestamptz NOT NULL,
    moderator  text        NOT NULL,
    action     text        NOT NULL,
    message_id uuid        NULL,
    guest_id   uuid        NULL,
    target_id  uuid        NULL,
    reason     text        NULL
);

CREATE INDEX moderation_audit_at_idx ON moderation_audit (at DESC, id DESC);
