package org.openworldchat.realtime;

import java.util.function.Consumer;

/**
 * Carries broadcasts between server nodes. A node always delivers its own broadcasts to its own
 * sockets directly; the bus only tells the other nodes, which deliver to theirs. One node needs no
 * bus ({@link #LOCAL}); several share one through Redis ({@link RedisClusterBus}).
 */
public interface ClusterBus extends AutoCloseable {

    /** An event for every joined socket; the payload is anything Jackson can write. */
    record Broadcast(String event, Object payload) {
    }

    /** Starts handing broadcasts from other nodes to {@code deliver}. */
    void start(Consumer<Broadcast> deliver);

    /** Tells the other nodes. Never throws: a node that cannot reach them keeps serving its own. */
    void publish(Broadcast broadcast);

    @Override
    void close();

    /** A single node: nobody else to tell. */
    ClusterBus LOCAL = new ClusterBus() {
        @Override
        public void start(Consumer<Broadcast> deliver) {
        }

        @Override
        public void publish(Broadcast broadcast) {
        }

        @Override
        public void close() {
        }
    };
}
