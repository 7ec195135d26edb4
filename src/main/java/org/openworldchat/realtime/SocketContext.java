package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import org.openworldchat.contract.ServerEvent;
import org.openworldchat.contract.ServiceUnavailableException;
import org.openworldchat.ratelimit.AddressKey;

/** One connected socket as the event handlers see it: whose it is, and what can be done to it. */
final class SocketContext {

    static final String GUEST_ID = "guestId";
    static final String ADDRESS = "owcAddress";
    /** Answers of one socket that may wait for their writes at once (a client pipelining sends). */
    static final int MAX_WAITING_WRITES = 16;

    private final SocketIOClient client;
    private final UUID guestId;
    private final AddressKey address;
    private final SerialExecutor executor;
    private final Semaphore writeSlots = new Semaphore(MAX_WAITING_WRITES);
    private volatile boolean joined;
    private volatile boolean closed;

    SocketContext(SocketIOClient client, UUID guestId, AddressKey address, Executor shared, int maxPendingEvents) {
        this.client = client;
        this.guestId = guestId;
        this.address = address;
        this.executor = new SerialExecutor(shared, maxPendingEvents);
    }

    UUID guestId() {
        return guestId;
    }

    /** The keyed hash of the address that opened this socket's session. */
    AddressKey address() {
        return address;
    }

    String socketId() {
        return client.getSessionId().toString();
    }

    Executor executor() {
        return executor;
    }

    /** Events of this socket not yet answered. */
    int backlog() {
        return executor.pending();
    }

    /** Runs {@code action} once this socket's backlog has drained. */
    void whenDrained(Runnable action) {
        executor.whenDrained(action);
    }

    /** Takes a slot for an answer that may wait for a write; waits while all slots are taken. */
    void awaitWriteSlot() {
        try {
            writeSlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("interrupted while waiting for earlier writes", e);
        }
    }

    void releaseWriteSlot() {
        writeSlots.release();
    }

    boolean joined() {
        return joined;
    }

    /** From now on this socket receives chat broadcasts. Returns false when it already did. */
    boolean joinChat() {
        client.joinRoom(ChatRoom.NAME);
        boolean first = !joined;
        joined = true;
        return first;
    }

    /** Stops broadcasts to this socket again (a join that finished after the socket closed). */
    void leaveChat() {
        client.leaveRoom(ChatRoom.NAME);
    }

    /** Called once the socket has disconnected; handlers still running for it can tell. */
    void markClosed() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    void emit(ServerEvent event, Object payload) {
        client.sendEvent(event.wireName(), payload);
    }
}
