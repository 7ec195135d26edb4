package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import io.netty.channel.ChannelPipeline;
import org.openworldchat.http.HttpEntryHandler;
import org.openworldchat.http.HttpRouter;

/**
 * netty-socketio's pipeline plus ours: the HTTP API right after the request decoder (so its
 * bodies stream instead of being aggregated), and the guest cookie on the handshake.
 */
final class ChatChannelInitializer extends SocketIOChannelInitializer {

    private final HttpRouter router;
    private final HandshakeCookieHandler handshakeCookies;
    private final String socketIoPath;
    private final UpgradeFlushHandler upgradeFlush;

    ChatChannelInitializer(HttpRouter router, HandshakeCookieHandler handshakeCookies,
                           UpgradeFlushHandler upgradeFlush, String socketIoPath) {
        this.router = router;
        this.upgradeFlush = upgradeFlush;
        this.handshakeCookies = handshakeCookies;
        this.socketIoPath = socketIoPath;
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        pipeline.addAfter(HTTP_REQUEST_DECODER, "owcHttp", new HttpEntryHandler(router, socketIoPath));
        pipeline.addAfter(HTTP_ENCODER, "owcHandshake", handshakeCookies);
        pipeline.addBefore(PACKET_HANDLER, "owcUpgradeFlush", upgradeFlush);
    }
}
