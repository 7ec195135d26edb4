package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.listener.ExceptionListenerAdapter;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.util.List;
import org.openworldchat.logging.BadRequestLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failures inside netty-socketio. A peer resetting its connection is routine and logged at
 * debug; a client that sent something undecodable is counted ({@link BadRequestLog}: a client
 * chooses how often, so not a line each), never echoing its data, and its channel is closed so it
 * cannot keep the server busy. A failing listener of ours is logged.
 */
final class QuietExceptionListener extends ExceptionListenerAdapter {

    private static final Logger log = LoggerFactory.getLogger(QuietExceptionListener.class);

    private final BadRequestLog badRequests;

    QuietExceptionListener(BadRequestLog badRequests) {
        this.badRequests = badRequests;
    }

    @Override
    public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
        log.atWarn().addKeyValue("socket", client.getSessionId()).setCause(e).log("event listener failed");
    }

    @Override
    public void onDisconnectException(Exception e, SocketIOClient client) {
        log.atWarn().addKeyValue("socket", client.getSessionId()).setCause(e).log("disconnect listener failed");
    }

    @Override
    public void onConnectException(Exception e, SocketIOClient client) {
        log.atWarn().addKeyValue("socket", client.getSessionId()).setCause(e).log("connect listener failed");
    }

    @Override
    public void onAuthException(Throwable e, SocketIOClient client) {
        log.atWarn().addKeyValue("socket", client.getSessionId()).setCause(e).log("auth listener failed");
    }

    @Override
    public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
        if (e instanceof IOException) {
            log.debug("connection error: {}", e.getMessage());
        } else {
            badRequests.count(BadRequestLog.Kind.UNDECODABLE);
            log.atDebug().addKeyValue("error", e.getClass().getSimpleName()).log("undecodable input; closing the connection");
        }
        ctx.close();
        return true;
    }
}
