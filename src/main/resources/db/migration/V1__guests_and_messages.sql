-- Guests: anonymous visitors. guest_id is public (it appears in reaction lists); id is internal.
CREATE TABLE guest_users (
    id             uuid        PRIMARY KEY,
    guest_id       uuid        NOT NULL UNIQUE,
    username       text        NULL,
    last_active_at timestamptz NOT NULL DEFAULT now(),
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX guest_users_username_lower_key ON guest_users (lower(username));
CREATE INDEX guest_users_last_active_at_idx ON guest_users (last_active_at);

-- A username is also held under its UTS #39 confusable keys (see UsernamePolicy). A key belongs
-- to one guest, so two names that agree on any key (alice / ALICE / Cyrillic аlice, I / l)
-- cannot both be held; deleting a guest frees its keys with it.
CREATE TABLE guest_username_keys (
    key      text PRIMARY KEY,
    guest_id uuid NOT NULL REFERENCES guest_users (guest_id) ON DELETE CASCADE
);
CREATE INDEX guest_username_keys_guest_id_idx ON guest_username_keys (guest_id);

-- Messages live for MESSAGE_TTL_HOURS after created_at; created_at alone decides expiry.
CREATE TABLE messages (
    id                  uuid        PRIMARY KEY,
    -- Arrival order. Writers take a transaction-scoped advisory lock before inserting, so seq
    -- order is also commit order across nodes: a reader that has seen seq N has seen every
    -- message below N, which is what JOIN_CHAT {since} relies on.
    seq                 bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    content             text        NOT NULL DEFAULT '',
    image_url           text        NULL,
    sender_id           uuid        NOT NULL,
    sender_name         text        NOT NULL,
    reply_to_message_id uuid        NULL REFERENCES messages (id) ON DELETE SET NULL,
    reactions           jsonb       NOT NULL DEFAULT '{}',
    client_message_id   uuid        NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT messages_sender_client_message_key UNIQUE (sender_id, client_message_id)
);

-- Newest first: history pages walk seq backwards; expiry and cleanup filter on created_at.
CREATE INDEX messages_created_at_idx ON messages (created_at DESC);
CREATE INDEX messages_reply_to_idx ON messages (reply_to_message_id) WHERE reply_to_message_id IS NOT NULL;
