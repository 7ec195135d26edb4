package org.openworldchat.reaction;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the reaction service announces; the realtime layer delivers it to joined sockets. */
public interface ReactionEvents {

    /** A message's reactions as committed, after {@code toggles} toggles applied together. */
    void reactionsChanged(UUID messageId, Map<String, List<UUID>> reactions, int toggles);
}
