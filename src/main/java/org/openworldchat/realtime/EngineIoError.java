package org.openworldchat.realtime;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Engine.IO's own refusals, {@code 400} with {@code {"code":n,"message":...}} as the official server
 * writes them, so that socket.io-client reacts as it does there (an unknown session: it starts a
 * new one). The connection is closed after the answer.
 */
final class EngineIoError {

    private static final byte[] TRANSPORT_UNKNOWN =
            "{\"code\":0,\"message\":\"Transport unknown\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SESSION_UNKNOWN =
            "{\"code\":1,\"message\":\"Session ID unknown\"}".getBytes(StandardCharsets.US_ASCII);

    private EngineIoError() {
    }

    static void transportUnknown(Channel channel) {
        send(channel, TRANSPORT_UNKNOWN);
    }

    static void sessionUnknown(Channel channel) {
        send(channel, SESSION_UNKNOWN);
    }

    private static void send(Channel channel, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
