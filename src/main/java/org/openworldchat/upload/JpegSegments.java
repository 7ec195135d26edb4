package org.openworldchat.upload;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.openworldchat.contract.ChatException;

/**
 * A walk over JPEG marker segments that never decodes: it reads the frame size from SOFn and
 * copies the file keeping only segments that affect rendering. Entropy-coded scan data is copied
 * untouched, so the result is the same image bit for bit.
 */
final class JpegSegments {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int APP0 = 0xE0;
    private static final int APP2 = 0xE2;
    private static final int APP14 = 0xEE;
    private static final int APP15 = 0xEF;
    private static final int COM = 0xFE;

    /** JFIF APP0: identifier, version, density unit and x/y density, thumbnail width and height. */
    private static final String JFIF = "JFIF\0";
    private static final int JFIF_HEADER = 5 + 2 + 1 + 2 + 2 + 1 + 1;
    /** Adobe APP14: identifier, DCTEncode version, flags0, flags1 and the colour transform. */
    private static final String ADOBE = "Adobe";
    private static final int ADOBE_HEADER = 5 + 2 + 2 + 2 + 1;
    /** ICC APP2: identifier, then the chunk's sequence number and the chunk count, one byte each. */
    private static final String ICC = "ICC_PROFILE\0";
    private static final int ICC_CHUNK_HEADER = 12 + 2;
    /** The most profile bytes one APP2 segment holds: its length field counts itself, up to 65535. */
    private static final int ICC_CHUNK_DATA = 65535 - 2 - ICC_CHUNK_HEADER;

    private JpegSegments() {
    }

    /** The size in the first SOFn segment, which must come before the first scan. */
    static ImageSize frameSize(byte[] jpeg) {
        int pos = 2;
        while (true) {
            pos = afterMarker(jpeg, pos);
            int marker = jpeg[pos - 1] & 0xFF;
            if (marker == SOS || marker == EOI) {
                throw ImageErrors.invalid("The JPEG file has no frame header");
            }
            if (isStandalone(marker)) {
                continue;
            }
            int length = segmentLength(jpeg, pos);
            if (isStartOfFrame(marker)) {
                if (length < 8) {
                    throw malformed();
                }
                return new ImageSize(u16(jpeg, pos + 5), u16(jpeg, pos + 3));
            }
            pos += length;
        }
    }

    /**
     * The file without comments, without application segments other than JFIF (APP0), ICC
     * profiles (APP2) and Adobe colour transforms (APP14), and without anything after EOI (where
     * phones append extra pictures and motion-photo videos). Keeping a short list rather than
     * removing known metadata means an unknown vendor segment cannot carry data through.
     *
     * <p>Even the kept segments are cut to what decoders read: JFIF and Adobe to their fixed
     * headers (a JFIF thumbnail is a small copy of the picture, possibly from before it was
     * cropped), and the ICC profile, reassembled from its numbered APP2 chunks, is rebuilt by
     * {@link IccProfileCleaner} and written back, chunked again, where its first chunk was. A
     * profile that cannot be reassembled or parsed is dropped, and the image shows as sRGB.
     */
    static byte[] keepRendering(byte[] jpeg) {
        Optional<byte[]> profile = iccProfile(jpeg).flatMap(IccProfileCleaner::clean);
        boolean profileWritten = false;
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length);
        out.write(0xFF);
        out.write(SOI);
        int pos = 2;
        while (true) {
            pos = afterMarker(jpeg, pos);
            int marker = jpeg[pos - 1] & 0xFF;
            if (marker == EOI || isStandalone(marker)) {
                out.write(0xFF);
                out.write(marker);
                if (marker == EOI) {
                    return out.toByteArray();
                }
                continue;
            }
            int length = segmentLength(jpeg, pos);
            int payload = pos + 2;
            int payloadLength = length - 2;
            if (marker == COM || marker >= APP0 && marker <= APP15) {
                // Comments and application segments: three kinds stay, each cut to what decoders read.
                if (marker == APP0 && hasHeader(jpeg, payload, payloadLength, JFIF, JFIF_HEADER)) {
                    byte[] header = Arrays.copyOfRange(jpeg, payload, payload + JFIF_HEADER);
                    header[JFIF_HEADER - 2] = 0; // thumbnail width
                    header[JFIF_HEADER - 1] = 0; // thumbnail height
                    writeSegment(out, APP0, header);
                } else if (marker == APP14 && hasHeader(jpeg, payload, payloadLength, ADOBE, ADOBE_HEADER)) {
                    writeSegment(out, APP14, Arrays.copyOfRange(jpeg, payload, payload + ADOBE_HEADER));
                } else if (marker == APP2 && !profileWritten && startsWith(jpeg, payload, payloadLength, ICC)) {
                    profile.ifPresent(p -> writeIccProfile(out, p));
                    profileWritten = true;
                }
            } else {
                out.write(0xFF);
                out.write(marker);
                out.write(jpeg, pos, length);
            }
            pos += length;
            if (marker == SOS) {
                int scanEnd = scanEnd(jpeg, pos);
                out.write(jpeg, pos, scanEnd - pos);
                pos = scanEnd;
            }
        }
    }

    /**
     * The ICC profile from the APP2 chunks before the first scan, or empty when there is none or
     * its chunks do not fit together: each says its sequence number (from 1) and the chunk count,
     * and every number must be there exactly once, with the same count in all.
     */
    private static Optional<byte[]> iccProfile(byte[] jpeg) {
        byte[][] chunks = null;
        int pos = 2;
        while (true) {
            pos = afterMarker(jpeg, pos);
            int marker = jpeg[pos - 1] & 0xFF;
            if (marker == SOS || marker == EOI) {
                break;
            }
            if (isStandalone(marker)) {
                continue;
            }
            int length = segmentLength(jpeg, pos);
            int payload = pos + 2;
            int payloadLength = length - 2;
            pos += length;
            if (marker != APP2 || !startsWith(jpeg, payload, payloadLength, ICC)) {
                continue;
            }
            if (payloadLength < ICC_CHUNK_HEADER) {
                return Optional.empty();
            }
            int sequence = jpeg[payload + ICC.length()] & 0xFF;
            int count = jpeg[payload + ICC.length() + 1] & 0xFF;
            if (chunks == null) {
                chunks = new byte[count][];
            }
            if (count != chunks.length || sequence < 1 || sequence > count || chunks[sequence - 1] != null) {
                return Optional.empty();
            }
            chunks[sequence - 1] = Arrays.copyOfRange(jpeg, payload + ICC_CHUNK_HEADER, payload + payloadLength);
        }
        if (chunks == null || chunks.length == 0 || Arrays.asList(chunks).contains(null)) {
            return Optional.empty();
        }
        ByteArrayOutputStream profile = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            profile.writeBytes(chunk);
        }
        return Optional.of(profile.toByteArray());
    }

    /** The profile as APP2 chunks, each as large as a segment allows; dropped if it needs over 255. */
    private static void writeIccProfile(ByteArrayOutputStream out, byte[] profile) {
        int count = (profile.length + ICC_CHUNK_DATA - 1) / ICC_CHUNK_DATA;
        if (count > 255) {
            return;
        }
        for (int i = 0; i < count; i++) {
            int from = i * ICC_CHUNK_DATA;
            int to = Math.min(profile.length, from + ICC_CHUNK_DATA);
            ByteArrayOutputStream payload = new ByteArrayOutputStream(ICC_CHUNK_HEADER + to - from);
            payload.writeBytes(ICC.getBytes(StandardCharsets.ISO_8859_1));
            payload.write(i + 1);
            payload.write(count);
            payload.write(profile, from, to - from);
            writeSegment(out, APP2, payload.toByteArray());
        }
    }

    private static void writeSegment(ByteArrayOutputStream out, int marker, byte[] payload) {
        out.write(0xFF);
        out.write(marker);
        out.write((payload.length + 2) >> 8);
        out.write(payload.length + 2);
        out.writeBytes(payload);
    }

    /** The offset of the marker ending a scan: 0xFF00 is an escaped data byte, RSTn stay in the scan. */
    private static int scanEnd(byte[] jpeg, int pos) {
        for (int i = pos; i + 1 < jpeg.length; i++) {
            if (jpeg[i] != (byte) 0xFF) {
                continue;
            }
            int next = jpeg[i + 1] & 0xFF;
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                i++;
            } else if (next != 0xFF) {
                return i;
            }
        }
        throw ImageErrors.truncated();
    }

    /** The offset just after the marker at pos, skipping the 0xFF fill bytes that may precede it. */
    private static int afterMarker(byte[] jpeg, int pos) {
        if (pos >= jpeg.length || jpeg[pos] != (byte) 0xFF) {
            throw pos >= jpeg.length ? ImageErrors.truncated() : malformed();
        }
        while (pos < jpeg.length && jpeg[pos] == (byte) 0xFF) {
            pos++;
        }
        if (pos >= jpeg.length) {
            throw ImageErrors.truncated();
        }
        return pos + 1;
    }

    private static int segmentLength(byte[] jpeg, int pos) {
        if (pos + 2 > jpeg.length) {
            throw ImageErrors.truncated();
        }
        int length = u16(jpeg, pos);
        if (length < 2) {
            throw malformed();
        }
        if (pos + length > jpeg.length) {
            throw ImageErrors.truncated();
        }
        return length;
    }

    /** Markers without a length: TEM and the restart markers. */
    private static boolean isStandalone(int marker) {
        return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
    }

    /** SOF0 to SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** Whether the payload starts with this identifier and is long enough for the header it names. */
    private static boolean hasHeader(byte[] jpeg, int payload, int payloadLength, String id, int headerLength) {
        return payloadLength >= headerLength && startsWith(jpeg, payload, payloadLength, id);
    }

    private static boolean startsWith(byte[] b, int offset, int length, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
        return length >= p.length && Arrays.equals(b, offset, offset + p.length, p, 0, p.length);
    }

    private static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) << 8 | (b[offset + 1] & 0xFF);
    }

    private static ChatException malformed() {
        return ImageErrors.invalid("The JPEG file is malformed");
    }
}
