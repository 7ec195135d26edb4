package org.openworldchat.bench;

import java.nio.charset.StandardCharsets;

/**
 * A lurker: connects, sends JOIN_CHAT and then only receives. Shared by all receiver connections.
 * Sinks (sink-mode connections) just count NEW_MESSAGE frames; probes (full-parse connections)
 * also read the send timestamp out of the content and record the end-to-end latency.
 */
final class Receiver implements Handler {
    static final String NEW_MESSAGE = "42[\"NEW_MESSAGE\"";
    private static final String STAMP = "\"content\":\"t=";

    private final Counters counters;
    private final Opener opener;
    private final Latencies latencies;
    /** Wire size of the last NEW_MESSAGE a probe saw (payload + 4-byte frame header). */
    volatile int frameBytes;

    Receiver(Counters counters, Opener opener, Latencies latencies) {
        this.counters = counters;
        this.opener = opener;
        this.latencies = latencies;
    }

    @Override
    public void onConnected(EioConnection c) {
        c.emit("JOIN_CHAT", "{}");
    }

    @Override
    public void onAckCounted(EioConnection c) {
        joined(c);
    }

    @Override
    public void onNewMessageCounted(EioConnection c) {
        counters.deliveries++;
    }

    @Override
    public void onPacket(EioConnection c, String packet) {
        if (packet.startsWith(NEW_MESSAGE)) {
            long now = System.nanoTime();
            counters.deliveries++;
            int at = packet.indexOf(STAMP);
            if (at > 0) {
                long sentAt = 0;
                for (int i = at + STAMP.length(); i < packet.length() && Character.isDigit(packet.charAt(i)); i++) {
                    sentAt = sentAt * 10 + (packet.charAt(i) - '0');
                }
                latencies.record(now - sentAt);
            }
            frameBytes = packet.getBytes(StandardCharsets.UTF_8).length + 4;
        } else if (Acks.isAck(packet)) {
            joined(c);
        }
    }

    private void joined(EioConnection c) {
        if (!c.ready) {
            c.ready = true;
            opener.ready();
        }
    }

    @Override
    public void onClosed(EioConnection c, String reason) {
        counters.closed(c, reason, opener);
    }
}
