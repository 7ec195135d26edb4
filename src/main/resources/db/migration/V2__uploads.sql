-- Every image issued by POST /api/uploads: who uploaded it (only they may post it), what it is,
-- and the message it was first attached to. Cleanup removes uploads that no unexpired message
-- references once they are an hour old, objects first, rows after.
CREATE TABLE uploads (
    key          text        PRIMARY KEY,
    -- The URL as issued; messages.image_url holds exactly this, which is how cleanup finds references.
    url          text        NOT NULL UNIQUE,
    guest_id     uuid        NOT NULL,
    content_type text        NOT NULL,
    size_bytes   integer     NOT NULL,
    width        integer     NOT NULL,
    height       integer     NOT NULL,
    message_id   uuid        NULL REFERENCES messages (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX uploads_created_at_idx ON uploads (created_at);
CREATE INDEX uploads_message_id_idx ON uploads (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX messages_image_url_idx ON messages (image_url) WHERE image_url IS NOT NULL;
