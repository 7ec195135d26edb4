package org.openworldchat.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Server-to-client websocket text frames (RFC 6455, section 5.2): FIN and the text opcode, the
 * payload length in 7, 7+16 or 7+64 bits, no mask (only clients mask). Written here once per
 * broadcast instead of once per socket by Netty's frame encoder.
 */
final class WebSocketFrames {

    private static final int FIN_TEXT = 0x81;

    private WebSocketFrames() {
    }

    /** A new direct buffer holding the frame around {@code payload}'s readable bytes. */
    static ByteBuf text(ByteBuf payload, ByteBufAllocator allocator) {
        int length = payload.readableBytes();
        ByteBuf frame = allocator.directBuffer(length + 10);
        frame.writeByte(FIN_TEXT);
        if (length < 126) {
            frame.writeByte(length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(126).writeShort(length);
        } else {
            frame.writeByte(127).writeLong(length);
        }
        frame.writeBytes(payload, payload.readerIndex(), length);
        return frame;
    }

    /** The payload of a frame made by {@link #text}, as a slice of it. */
    static ByteBuf payload(ByteBuf frame) {
        int lengthByte = frame.getUnsignedByte(frame.readerIndex() + 1);
        int header = lengthByte < 126 ? 2 : lengthByte == 126 ? 4 : 10;
        return frame.slice(frame.readerIndex() + header, frame.readableBytes() - header);
    }
}
