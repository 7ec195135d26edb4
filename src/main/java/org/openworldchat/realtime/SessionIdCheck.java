package org.openworldchat.realtime;

import com.corundumstudio.socketio.handler.ClientsBox;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openworldchat.http.ClientAddress;
import org.openworldchat.http.GuestCookie;
import org.openworldchat.logging.BadRequestLog;

/**
 * Answers a request naming an Engine.IO session that does not exist, or that is not the
 * requester's, as Engine.IO servers answer an unknown one:
 * {@code 400 {"code":1,"message":"Session ID unknown"}}, and the client starts a new session.
 *
 * <p>The library threw on an {@code sid} that is no UUID and never answered (the request hung until
 * the client gave up), and answered an unknown one with a bare 500 and an error in the log, which
 * any client could repeat to flood the log. And it took the sid as the only credential: with a
 * victim's sid, a request without a cookie, or with another guest's, posted events as the victim
 * and read the victim's packets. Now a polling GET or POST and a websocket upgrade naming a
 * session must be its owner's ({@link SessionOwner#admits}); the answer is the same as for an
 * unknown session, so a sid cannot even be probed. A CORS preflight ({@code OPTIONS}) carries no
 * cookie in any browser and gets nothing but headers, so it only needs the session to exist.
 */
@Sharable
final class SessionIdCheck extends ChannelInboundHandlerAdapter {

    private final String path;
    private final ClientsBox sessions;
    private final EngineSessions owners;
    private final GuestCookie cookie;
    private final ClientAddress addresses;
    private final BadRequestLog badRequests;

    SessionIdCheck(String path, ClientsBox sessions, EngineSessions owners, GuestCookie cookie, ClientAddress addresses,
                   BadRequestLog badRequests) {
        this.path = path;
        this.sessions = sessions;
        this.owners = owners;
        this.cookie = cookie;
        this.addresses = addresses;
        this.badRequests = badRequests;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            Verdict verdict = judge(ctx, request);
            if (verdict != Verdict.OWNER) {
                ReferenceCountUtil.release(msg);
                if (verdict == Verdict.NOT_THE_OWNER) {
                    badRequests.count(BadRequestLog.Kind.FOREIGN_SESSION);
                }
                EngineIoError.sessionUnknown(ctx.channel());
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private enum Verdict { OWNER, UNKNOWN, NOT_THE_OWNER }

    /** {@code OWNER} for every request that names no session (a handshake, or not Socket.IO's). */
    private Verdict judge(ChannelHandlerContext ctx, HttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        List<String> sid = query.parameters().get("sid");
        if (sid == null || !query.path().equals(path)) {
            return Verdict.OWNER;
        }
        UUID id;
        try {
            id = UUID.fromString(sid.getFirst());
        } catch (IllegalArgumentException notAnId) {
            return Verdict.UNKNOWN;
        }
        if (sessions.get(id) == null) {
            return Verdict.UNKNOWN;
        }
        if (HttpMethod.OPTIONS.equals(request.method())) {
            return Verdict.OWNER;
        }
        Optional<SessionOwner> owner = owners.ownerOf(id);
        if (owner.isEmpty()) {
            return Verdict.UNKNOWN; // ended a moment ago; the library forgets it shortly
        }
        return owner.get().admits(cookie.guestOf(request.headers()),
                () -> addresses.of(ctx.channel().remoteAddress(), request.headers())) ? Verdict.OWNER : Verdict.NOT_THE_OWNER;
    }
}
