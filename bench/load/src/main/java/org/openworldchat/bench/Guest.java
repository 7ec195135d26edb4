package org.openworldchat.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A guest that writes: once connected it chooses a username (required before SEND_MESSAGE and
 * SEND_REACTION), then the scenario sends events through it. Acks are matched to their send time
 * by ack id. One instance per connection; all methods run on the event loop.
 */
final class Guest implements Handler {
    interface AckListener {
        void onAck(Guest guest, String packet, long sentAtNanos);
    }

    final int index;
    final String username;
    private final Opener opener;
    private final Counters counters;
    private final AckListener listener;
    private final Map<Integer, Long> inFlight = new HashMap<>();
    private int usernameAckId = -1;
    EioConnection conn;
    /** Scenario-owned per-guest tally (e.g. reaction toggles acked). */
    long okAcks;

    Guest(int index, Opener opener, Counters counters, AckListener listener) {
        this.index = index;
        this.username = String.format("b_%d_%04x", index, ThreadLocalRandom.current().nextInt(0x10000));
        this.opener = opener;
        this.counters = counters;
        this.listener = listener;
    }

    EioConnection connection(EventLoop loop, Target target, String cookie) {
        conn = new EioConnection(loop, this, true, target.host(), target.port(), cookie);
        return conn;
    }

    void send(String event, String payloadJson) {
        if (!conn.isOpen()) {
            return;
        }
        int id = conn.emit(event, payloadJson);
        inFlight.put(id, System.nanoTime());
    }

    int inFlight() {
        return inFlight.size();
    }

    @Override
    public void onConnected(EioConnection c) {
        usernameAckId = c.emit("SET_USERNAME", "{\"username\":\"" + username + "\"}");
    }

    @Override
    public void onPacket(EioConnection c, String packet) {
        int id = Acks.id(packet);
        if (id < 0) {
            return; // a broadcast or USERNAME_REQUIRED; acks carry what the scenario needs
        }
        if (id == usernameAckId) {
            if (Acks.ok(packet)) {
                c.ready = true;
                opener.ready();
            } else {
                counters.error("SET_USERNAME " + Acks.errorCode(packet));
                opener.failed();
            }
            return;
        }
        Long sentAt = inFlight.remove(id);
        if (sentAt != null) {
            listener.onAck(this, packet, sentAt);
        }
    }

    @Override
    public void onClosed(EioConnection c, String reason) {
        counters.closed(c, reason, opener);
    }
}
