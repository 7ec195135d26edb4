package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
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
            Field scheduler = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
            scheduler.setAccessible(true);
            ((CancelableScheduler) scheduler.get(pipeline.get(server))).shutdown();
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("default scheduler not stopped: {}", e.toString());
        }
    }
}
