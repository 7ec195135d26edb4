package org.openworldchat.realtime;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fixes for netty-socketio behaviour that its API does not let us change. */
final class LibraryWorkarounds {

    private static final Logger log = LoggerFactory.getLogger(LibraryWorkarounds.class);

    private LibraryWorkarounds() {
    }

    /**
     * SocketIOServer builds a default channel initializer, whose scheduler starts a timer thread,
     * before {@code setPipelineFactory} replaces it with ours. Nothing ever stops that timer, and
     * Netty reports it as a leak once it is garbage collected. Stop it right away.
     */
    static void stopDefaultScheduler(SocketIOServer server) {
        try {
            Field pipeline = SocketIOServer.class.getDeclaredField("pipelineFactory");
            pipeline.setAccessible(true);
            timers((SocketIOChannelInitializer) pipeline.get(server)).shutdown();
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("default scheduler not stopped: {}", e.toString());
        }
    }

    /** The library's table of open Engine.IO sessions, which its API does not expose. */
    static ClientsBox sessions(SocketIOChannelInitializer initializer) {
        return (ClientsBox) field(initializer, "clientsBox");
    }

    /** The library's timers (first data, pings, acks), which its API does not expose. */
    static CancelableScheduler timers(SocketIOChannelInitializer initializer) {
        return (CancelableScheduler) field(initializer, "scheduler");
    }

    /**
     * Swaps the encoder of the library's response handler for {@link PollingPacketEncoder}, which
     * no longer drops a packet from every long-polling answer that reaches the answer's limit.
     * The handler exists once the initializer has started.
     */
    static void keepPacketsPastThePollingLimit(SocketIOChannelInitializer initializer, Configuration configuration) {
        EncoderHandler handler = (EncoderHandler) field(initializer, "encoderHandler");
        try {
            Field encoder = EncoderHandler.class.getDeclaredField("encoder");
            encoder.setAccessible(true);
            PacketEncoder library = (PacketEncoder) encoder.get(handler);
            encoder.set(handler, new PollingPacketEncoder(configuration, library.getJsonSupport()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this netty-socketio version has no encoder in its EncoderHandler", e);
        }
    }

    private static Object field(SocketIOChannelInitializer initializer, String name) {
        try {
            Field field = SocketIOChannelInitializer.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(initializer);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this netty-socketio version has no " + name + " in its initializer", e);
        }
    }

    /**
     * The library keeps a copy of every handshake request header and query parameter for the
     * socket's whole life, about a kilobyte and a half per socket, though once the socket is
     * connected it reads only the Origin (for the CORS headers of polling responses). Keeps that
     * one; everything this server needs from the handshake is in the socket's own context by now.
     */
    static void forgetHandshakeDetails(HandshakeData handshake) {
        HttpHeaders headers = handshake.getHttpHeaders();
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        headers.clear();
        if (origin != null) {
            headers.set(HttpHeaderNames.ORIGIN, origin);
        }
        try {
            handshake.getUrlParams().clear();
        } catch (UnsupportedOperationException readOnly) {
            // a library version that hands out a read-only copy keeps its parameters
        }
    }
}
