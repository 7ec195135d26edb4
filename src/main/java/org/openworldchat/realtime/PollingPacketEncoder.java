package org.openworldchat.realtime;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;

/**
 * netty-socketio's encoder for a long-polling answer, without its off-by-one: the library takes a
 * packet off the socket's queue before it checks the answer's limit (50 packets), and drops that
 * packet when the limit is reached, so a polling client with more than 50 packets waiting lost
 * one on every poll. Here the queue is handed over with no more than the limit in it; the rest
 * waits for the next poll.
 */
final class PollingPacketEncoder extends PacketEncoder {

    PollingPacketEncoder(Configuration configuration, JsonSupport jsonSupport) {
        super(configuration, jsonSupport);
    }

    @Override
    public void encodePackets(Queue<Packet> queue, ByteBuf buffer, ByteBufAllocator allocator, int limit)
            throws IOException {
        super.encodePackets(new AtMost(queue, limit), buffer, allocator, Integer.MAX_VALUE);
    }

    /** The first {@code left} packets of a queue, taken one by one; then it is empty. */
    private static final class AtMost extends AbstractQueue<Packet> {

        private final Queue<Packet> queue;
        private int left;

        AtMost(Queue<Packet> queue, int left) {
            this.queue = queue;
            this.left = left;
        }

        @Override
        public Packet poll() {
            if (left <= 0) {
                return null;
            }
            Packet packet = queue.poll();
            if (packet != null) {
                left--;
            }
            return packet;
        }

        @Override
        public Packet peek() {
            return left <= 0 ? null : queue.peek();
        }

        @Override
        public boolean offer(Packet packet) {
            throw new UnsupportedOperationException("the encoder only takes packets");
        }

        @Override
        public Iterator<Packet> iterator() {
            throw new UnsupportedOperationException("the encoder only takes packets");
        }

        @Override
        public int size() {
            return Math.min(left, queue.size());
        }
    }
}
