package org.openworldchat.realtime;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.List;
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
    private final UpgradeFlushHandler upgradeFlush = new UpgradeFlushHandler();
    private final SlowConsumerGuard slowConsumers = new SlowConsumerGuard();
    private final WebSocketPipelineTrim pipelineTrim = new WebSocketPipelineTrim(List.of(
            "owcHttp", "owcHandshake", AUTHORIZE_HANDLER, XHR_POLLING_TRANSPORT, RESOURCE_HANDLER, WRONG_URL_HANDLER));

    private final ReadThrottle readThrottle;

    ChatChannelInitializer(HttpRouter router, HandshakeCookieHandler handshakeCookies, ReadThrottle readThrottle,
                           String socketIoPath) {
        this.router = router;
        this.readThrottle = readThrottle;
        this.handshakeCookies = handshakeCookies;
        this.socketIoPath = socketIoPath;
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        // The library adds the response encoder after the aggregator, so the 413 the aggregator
        // writes for an oversized polling POST never gets encoded and the peer sees a bare close.
        // Next to the decoder it encodes every response, whoever writes it.
        pipeline.remove(HTTP_ENCODER);
        pipeline.addAfter(HTTP_REQUEST_DECODER, HTTP_ENCODER, new HttpResponseEncoder());
        pipeline.addFirst("owcSlowConsumers", slowConsumers);
        pipeline.addAfter(HTTP_ENCODER, "owcHttp", new HttpEntryHandler(router, socketIoPath));
        pipeline.addAfter(HTTP_AGGREGATOR, "owcHandshake", handshakeCookies);
        // Sees the polling GETs and the decoded websocket packets before the library handles them.
        pipeline.addBefore(PACKET_HANDLER, "owcUpgradeFlush", upgradeFlush);
        pipeline.addBefore(PACKET_HANDLER, "owcReadThrottle", readThrottle);
        pipeline.addBefore(PACKET_HANDLER, "owcPipelineTrim", pipelineTrim);
    }
}
