package org.openworldchat.reaction;

/** What the reaction service announces; the realtime layer delivers it to joined sockets. */
public interface ReactionEvents {

    /** {@code toggles} toggles were committed together (counted at once; announced through {@link #reactionsChanged}). */
    void toggled(int toggles);

    /** Changes of one message for every joined socket; a message's updates come in the order applied. */
    void reactionsChanged(ReactionUpdate update);
}
