package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The frames the broadcaster writes must decode as one whole text frame with Netty's own client-side decoder. */
class WebSocketFramesTest {

    @Test
    void everyLengthEncodingDecodesToTheSamePayload() {
        for (int length : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 200_000}) {
            String text = "é".repeat(length / 2) + "x".repeat(length % 2);
            ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
            ByteBuf frame = WebSocketFrames.text(payload, ByteBufAllocator.DEFAULT);
            assertThat(WebSocketFrames.payload(frame).toString(StandardCharsets.UTF_8)).isEqualTo(text);

            // A client-side decoder: server frames are not masked, large frames allowed.
            EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
            assertThat(client.writeInbound(frame)).isTrue();
            TextWebSocketFrame decoded = client.readInbound();
            assertThat(decoded.isFinalFragment()).isTrue();
            assertThat(decoded.text()).as("payload of %d bytes", length).isEqualTo(text);
            decoded.release();
            assertThat((Object) client.readInbound()).isNull();
            payload.release();
            client.finishAndReleaseAll();
        }
    }
}
