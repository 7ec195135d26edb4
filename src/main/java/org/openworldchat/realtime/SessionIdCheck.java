package org.openworldchat.realtime;

import com.corundumstudio.socketio.handler.ClientsBox;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.UUID;

/**
 * Answers a request for an Engine.IO session that does not exist as Engine.IO servers do:
 * {@code 400 {"code":1,"message":"Session ID unknown"}}, and the client starts a new session. The
 * library threw on an {@code sid} that is no UUID and never answered (the request hung until the
 * client gave up), and answered an unknown one with a bare 500 and an error in the log, which any
 * client could repeat to flood the log.
 */
@Sharable
final class SessionIdCheck extends ChannelInboundHandlerAdapter {

    private final String path;
    private final ClientsBox sessions;

    SessionIdCheck(String path, ClientsBox sessions) {
        this.path = path;
        this.sessions = sessions;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && !known(request)) {
            ReferenceCountUtil.release(msg);
            EngineIoError.sessionUnknown(ctx.channel());
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** False only for a request to the Socket.IO path naming a session that is not open. */
    private boolean known(HttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        List<String> sid = query.parameters().get("sid");
        if (sid == null || !query.path().equals(path)) {
            return true;
        }
        try {
            return sessions.get(UUID.fromString(sid.getFirst())) != null;
        } catch (IllegalArgumentException notAnId) {
            return false;
        }
    }
}
