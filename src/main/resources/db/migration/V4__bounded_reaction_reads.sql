-- What a reader is sent of a message's reactions stays small however many guests react
-- (contract v2): exact counts, the first 10 guests of each emoji, and the emojis the reader
-- reacted with. messages.reactions keeps every reactor in the seed's shape; what readers need is
-- kept beside it, written by the reaction writer in the same transaction as the reactions, so
-- that reading a message never loads or parses its whole list of reactors.

-- emoji -> number of guests, and emoji -> its first 10 guest ids (first reacted first).
ALTER TABLE messages
    ADD COLUMN reaction_counts jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN reaction_sample jsonb NOT NULL DEFAULT '{}';

-- One row per guest and emoji of messages.reactions: which emojis a reader used (by the primary
-- key), and an emoji's reactors page by page in reaction order (seq), both by index.
CREATE TABLE message_reactors (
    message_id uuid   NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    guest_id   uuid   NOT NULL,
    emoji      text   NOT NULL,
    seq        bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (message_id, guest_id, emoji)
);
CREATE INDEX message_reactors_order_idx ON message_reactors (message_id, emoji, seq);

-- Derives all of the above for one message from messages.reactions. The server never needs it
-- (it writes both together); it fills them here for existing messages, and an operator who edits
-- messages.reactions by hand runs it afterwards: SELECT rebuild_message_reactions('<id>');
CREATE FUNCTION rebuild_message_reactions(target uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM message_reactors WHERE message_id = target;
    INSERT INTO message_reactors (message_id, guest_id, emoji)
        SELECT target, CAST(g.id AS uuid), e.key
        FROM messages m, jsonb_each(m.reactions) AS e, jsonb_array_elements_text(e.value) WITH ORDINALITY AS g(id, n)
        WHERE m.id = target
        ORDER BY e.key, g.n
        ON CONFLICT DO NOTHING;
    UPDATE messages m SET
        reaction_counts = COALESCE((SELECT jsonb_object_agg(e.key, jsonb_array_length(e.value))
                                    FROM jsonb_each(m.reactions) AS e WHERE jsonb_array_length(e.value) > 0), '{}'),
        reaction_sample = COALESCE((SELECT jsonb_object_agg(e.key, jsonb_path_query_array(e.value, '$[0 to 9]'))
                                    FROM jsonb_each(m.reactions) AS e WHERE jsonb_array_length(e.value) > 0), '{}')
    WHERE m.id = target;
$$;

SELECT rebuild_message_reactions(id) FROM messages WHERE reactions <> '{}';
