package org.openworldchat.realtime;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.SocketIOClient;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ClientEvent;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.ErrorMapper;
import org.openworldchat.contract.ServerEvent;
import org.openworldchat.contract.UsernameRequiredException;
import org.openworldchat.metrics.ChatMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a client event's handler off the Netty event loop (on the socket's serial executor) and
 * turns its outcome into the answer the contract asks for: a success ack, an error ack, or, when
 * the client gave no callback, an {@code ERROR} event.
 */
final class EventDispatcher {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    static final String SHUTTING_DOWN = "The server is shutting down";

    private final Map<ClientEvent, EventHandler> handlers;
    private final SocketRegistry sockets;
    private final ChatMetrics metrics;

    /** Events dispatched and not answered yet; every dispatched event ends in {@link #succeed} or {@link #fail}. */
    private final LongAdder unanswered = new LongAdder();
    /** Event loops inside {@link #dispatch} right now. */
    private final AtomicInteger entering = new AtomicInteger();
    private volatile boolean stopping;

    EventDispatcher(Map<ClientEvent, EventHandler> handlers, SocketRegistry sockets, ChatMetrics metrics) {
        this.handlers = new EnumMap<>(handlers);
        this.sockets = sockets;
        this.metrics = metrics;
    }

    /** Called on the event loop for every decoded event, known or not. */
    void dispatch(SocketIOClient client, IncomingEvent event, AckRequest ack) {
        SocketContext socket = sockets.get(client);
        if (socket == null) {
            return; // the socket is already gone
        }
        long arrived = System.nanoTime();
        entering.incrementAndGet();
        try {
            unanswered.increment();
            if (stopping) {
                fail(socket, event, ack, new ChatException(ErrorCode.SERVICE_UNAVAILABLE, SHUTTING_DOWN), arrived);
                return;
            }
            try {
                socket.executor().execute(() -> run(socket, event, ack, arrived));
            } catch (RejectedExecutionException e) {
                fail(socket, event, ack, new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "Too many events in flight"), arrived);
            }
        } finally {
            entering.decrementAndGet();
        }
    }

    /**
     * First step of a graceful stop: from now on every event is refused at once with
     * {@value #SHUTTING_DOWN}; those accepted before still run and are answered. Returns once no
     * event loop is between the check and handing its event over, so the executor can be shut
     * down without refusing an accepted event. Returns the events accepted and not yet answered.
     */
    long stopTaking() {
        stopping = true;
        while (entering.get() > 0) {
            Thread.onSpinWait();
        }
        return unanswered();
    }

    /** Events accepted and not answered yet (running, queued, or waiting for their write). */
    long unanswered() {
        return unanswered.sum();
    }

    /**
     * Runs on the socket's serial executor. A handler whose answer waits for a write hands back an
     * incomplete stage, and the socket's next event starts meanwhile: its writes join the same
     * batch, in order. At most {@link SocketContext#MAX_WAITING_WRITES} such answers wait at
     * once; the next event waits for a slot, which holds back this socket's queue and so, through
     * the read throttle, its reading.
     */
    private void run(SocketContext socket, IncomingEvent event, AckRequest ack, long arrived) {
        EventHandler handler;
        try {
            handler = handlerFor(event);
        } catch (Throwable t) {
            fail(socket, event, ack, t, arrived);
            return;
        }
        try {
            if (event.args().size() > 1) {
                throw new ChatException(ErrorCode.INVALID_PAYLOAD, "an event takes at most one argument");
            }
            socket.awaitWriteSlot();
        } catch (Throwable t) {
            fail(socket, event, ack, counted(handler, socket, t), arrived);
            return;
        }
        CompletionStage<Map<String, Object>> answer;
        try {
            answer = handler.handle(socket, event.payload());
        } catch (Throwable t) {
            socket.releaseWriteSlot();
            fail(socket, event, ack, counted(handler, socket, t), arrived);
            return;
        }
        answer.whenComplete((body, failure) -> {
            socket.releaseWriteSlot();
            Throwable error = ErrorMapper.unwrap(failure);
            if (error == null) {
                try {
                    succeed(event, ack, body, arrived);
                    return;
                } catch (RuntimeException e) {
                    error = e; // the answer could not be encoded or sent: answer with the error instead
                }
            }
            fail(socket, event, ack, error, arrived);
        });
    }

    private void succeed(IncomingEvent event, AckRequest ack, Map<String, Object> body, long arrived) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("ok", true);
        reply.putAll(body);
        ack.sendAckData(reply);
        metrics.acked(event.name(), true, Duration.ofNanos(System.nanoTime() - arrived));
        unanswered.decrement(); // last: if anything above threw, fail() answers and counts instead
    }

    /** A malformed attempt counts toward the event's rate limit; over the limit, that is the answer. */
    private static Throwable counted(EventHandler handler, SocketContext socket, Throwable failure) {
        if (failure instanceof ChatException refused && refused.code() == ErrorCode.INVALID_PAYLOAD) {
            try {
                handler.countMalformed(socket);
            } catch (RuntimeException overLimit) {
                return overLimit;
            }
        }
        return failure;
    }

    private EventHandler handlerFor(IncomingEvent event) {
        if (event.malformed()) {
            throw new ChatException(ErrorCode.INVALID_PAYLOAD, "the event could not be decoded");
        }
        EventHandler handler = ClientEvent.fromWire(event.name()).map(handlers::get).orElse(null);
        if (handler == null) {
            throw new ChatException(ErrorCode.UNKNOWN_EVENT, "Unknown event: " + event.name());
        }
        return handler;
    }

    private void fail(SocketContext socket, IncomingEvent event, AckRequest ack, Throwable failure, long arrived) {
        try {
            answerFailure(socket, event, ack, failure, arrived);
        } finally {
            unanswered.decrement();
        }
    }

    private void answerFailure(SocketContext socket, IncomingEvent event, AckRequest ack, Throwable failure, long arrived) {
        ErrorMapper.ErrorBody error = ErrorMapper.describe(failure);
        metrics.refused(error.code());
        // Unknown names are the client's choice: one label for all of them keeps the metric series
        // bounded and client text out of the log.
        String label = ClientEvent.fromWire(event.name()).map(ClientEvent::wireName).orElse("UNKNOWN");
        if (error.unexpected()) {
            log.atError().addKeyValue("guestId", socket.guestId()).addKeyValue("event", label)
                    .setCause(failure).log("event failed");
        }
        if (failure instanceof UsernameRequiredException required) {
            socket.emit(ServerEvent.USERNAME_REQUIRED, Map.of("defaultUsername", required.defaultUsername()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code().name());
        body.put("message", error.message());
        body.putAll(error.details());
        if (ack.isAckRequested()) {
            ack.sendAckData(Map.of("ok", false, "error", body));
        } else {
            body.put("event", event.name());
            socket.emit(ServerEvent.ERROR, body);
        }
        metrics.acked(label, false, Duration.ofNanos(System.nanoTime() - arrived));
    }
}
