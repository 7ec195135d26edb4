package org.openworldchat.upload;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.openworldchat.contract.ChatException;

/**
 * WebP reading without decoding: the size from the RIFF chunks, and a copy keeping only the
 * chunks that carry the image. EXIF, XMP and ICC profiles (and any unknown chunk, at the top level
 * or inside an animation frame) are dropped; the image chunks are copied byte for byte, so nothing
 * is re-encoded.
 */
final class WebpImage {

    private static final int FLAG_ICC = 0x20;
    private static final int FLAG_EXIF = 0x08;
    private static final int FLAG_XMP = 0x04;
    private static final int FLAG_ANIMATION = 0x02;

    private static final Set<String> IMAGE_CHUNKS = Set.of("VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF");
    /** What an animation frame may keep after its header: its alpha and its bitstream. */
    private static final Set<String> FRAME_IMAGE_CHUNKS = Set.of("ALPH", "VP8 ", "VP8L");
    /** ANMF: x and y offset, width and height minus one, duration (3 bytes each), then one byte of flags. */
    private static final int FRAME_HEADER = 16;

    /** A RIFF chunk: its FourCC and where its payload lies. */
    private record Chunk(String fourCc, int offset, int length) {

        int end() {
            return offset + length;
        }

        boolean isBitstream() {
            return fourCc.equals("VP8 ") || fourCc.equals("VP8L");
        }
    }

    private WebpImage() {
    }

    /**
     * The canvas size (VP8X) or the bitstream size (simple files). Every size the file states is
     * checked, not just the canvas: the decoder sizes its buffers from the bitstream and the
     * animation frames, which a crafted file can make far larger than a small canvas.
     */
    static ImageSize size(byte[] webp) {
        List<Chunk> chunks = chunks(webp, 12, riffEnd(webp));
        Chunk first = chunks.get(0);
        ImageSize size;
        if (first.fourCc().equals("VP8X")) {
            if (first.length() < 10) {
                throw malformed();
            }
            size = new ImageSize(1 + le24(webp, first.offset() + 4), 1 + le24(webp, first.offset() + 7)).checked();
        } else if (first.isBitstream()) {
            size = bitstreamSize(webp, first).checked();
        } else {
            throw malformed();
        }
        boolean animated = first.fourCc().equals("VP8X") && (webp[first.offset()] & FLAG_ANIMATION) != 0;
        boolean hasImage = false;
        for (Chunk chunk : chunks) {
            if (chunk.isBitstream()) {
                // Outside an animation the bitstream must fill the canvas exactly (WebP container spec).
                if (!bitstreamSize(webp, chunk).checked().equals(size) && !animated) {
                    throw malformed();
                }
                hasImage = true;
            } else if (chunk.fourCc().equals("ANMF")) {
                checkFrame(webp, chunk);
                hasImage = true;
            }
        }
        if (!hasImage) {
            throw malformed();
        }
        return size;
    }

    /**
     * The file with only image chunks, VP8X flags matching what is left and the RIFF size fixed.
     * An animation frame (ANMF) is a container too: after its image data the format allows
     * unknown chunks, so each frame is rebuilt with its 16-byte header and only its ALPH, VP8 and
     * VP8L chunks, and its size fixed.
     */
    static byte[] strip(byte[] webp) {
        int end = riffEnd(webp);
        ByteArrayOutputStream out = new ByteArrayOutputStream(end);
        out.write(webp, 0, 12);
        for (Chunk chunk : chunks(webp, 12, end)) {
            if (!IMAGE_CHUNKS.contains(chunk.fourCc())) {
                continue;
            }
            byte[] payload = chunk.fourCc().equals("ANMF")
                    ? frameImageOnly(webp, chunk)
                    : Arrays.copyOfRange(webp, chunk.offset(), chunk.end());
            if (chunk.fourCc().equals("VP8X")) {
                payload[0] &= (byte) ~(FLAG_ICC | FLAG_EXIF | FLAG_XMP);
            }
            writeChunk(out, chunk.fourCc(), payload);
        }
        byte[] result = out.toByteArray();
        putLe32(result, 4, result.length - 8);
        return result;
    }

    /** An ANMF payload with its frame header and only the chunks of its image. */
    private static byte[] frameImageOnly(byte[] webp, Chunk frame) {
        if (frame.length() < FRAME_HEADER) {
            throw malformed();
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream(frame.length());
        payload.write(webp, frame.offset(), FRAME_HEADER);
        for (Chunk chunk : chunks(webp, frame.offset() + FRAME_HEADER, frame.end())) {
            if (FRAME_IMAGE_CHUNKS.contains(chunk.fourCc())) {
                writeChunk(payload, chunk.fourCc(), Arrays.copyOfRange(webp, chunk.offset(), chunk.end()));
            }
        }
        return payload.toByteArray();
    }

    /** A chunk with its header and, after an odd-length payload, the pad byte. */
    private static void writeChunk(ByteArrayOutputStream out, String fourCc, byte[] payload) {
        byte[] header = new byte[8];
        System.arraycopy(fourCc.getBytes(StandardCharsets.ISO_8859_1), 0, header, 0, 4);
        putLe32(header, 4, payload.length);
        out.writeBytes(header);
        out.writeBytes(payload);
        if ((payload.length & 1) != 0) {
            out.write(0);
        }
    }

    private static void checkFrame(byte[] webp, Chunk frame) {
        if (frame.length() < FRAME_HEADER) {
            throw malformed();
        }
        new ImageSize(1 + le24(webp, frame.offset() + 6), 1 + le24(webp, frame.offset() + 9)).checked();
        for (Chunk chunk : chunks(webp, frame.offset() + FRAME_HEADER, frame.end())) {
            if (chunk.isBitstream()) {
                bitstreamSize(webp, chunk).checked();
            }
        }
    }

    private static ImageSize bitstreamSize(byte[] webp, Chunk chunk) {
        int p = chunk.offset();
        if (chunk.fourCc().equals("VP8L")) {
            // Signature 0x2F, then 14 bits width - 1 and 14 bits height - 1, least significant first.
            if (chunk.length() < 5 || webp[p] != 0x2F) {
                throw malformed();
            }
            long bits = le32(webp, p + 1);
            return new ImageSize((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }
        // A VP8 key frame: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
        if (chunk.length() < 10 || (webp[p] & 1) != 0
                || webp[p + 3] != (byte) 0x9D || webp[p + 4] != 0x01 || webp[p + 5] != 0x2A) {
            throw malformed();
        }
        return new ImageSize(le16(webp, p + 6) & 0x3FFF, le16(webp, p + 8) & 0x3FFF);
    }

    /** Where the RIFF container ends; bytes after it are not part of the image. */
    private static int riffEnd(byte[] webp) {
        long end = 8 + le32(webp, 4);
        if (end > webp.length) {
            throw ImageErrors.truncated();
        }
        return (int) end;
    }

    /** The chunks between from and to; one running past to means the file was cut short. */
    private static List<Chunk> chunks(byte[] webp, int from, int to) {
        List<Chunk> chunks = new ArrayList<>();
        int pos = from;
        while (pos < to) {
            if (pos + 8 > to) {
                throw ImageErrors.truncated();
            }
            long length = le32(webp, pos + 4);
            if (length > to - pos - 8) {
                throw ImageErrors.truncated();
            }
            chunks.add(new Chunk(new String(webp, pos, 4, StandardCharsets.ISO_8859_1), pos + 8, (int) length));
            // Payloads are padded to an even length; a missing final pad byte is tolerated.
            pos += 8 + (int) length + (int) (length & 1);
        }
        if (chunks.isEmpty()) {
            throw malformed();
        }
        return chunks;
    }

    private static ChatException malformed() {
        return ImageErrors.invalid("The WebP file is malformed");
    }

    private static int le16(byte[] b, int offset) {
        return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8;
    }

    private static long le24(byte[] b, int offset) {
        return le16(b, offset) | (b[offset + 2] & 0xFFL) << 16;
    }

    private static long le32(byte[] b, int offset) {
        return le24(b, offset) | (b[offset + 3] & 0xFFL) << 24;
    }

    private static void putLe32(byte[] b, int offset, int value) {
        for (int i = 0; i < 4; i++) {
            b[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
