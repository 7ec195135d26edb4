package org.openworldchat.upload;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
     */
    static byte[] keepRendering(byte[] jpeg) {
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
            if (rendersImage(marker, jpeg, pos + 2, length - 2)) {
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

    private static boolean rendersImage(int marker, byte[] jpeg, int payload, int payloadLength) {
        if (marker == COM) {
            return false;
        }
        if (marker < APP0 || marker > APP15) {
            return true;
        }
        return switch (marker) {
            case APP0 -> startsWith(jpeg, payload, payloadLength, "JFIF\0");
            case APP2 -> startsWith(jpeg, payload, payloadLength, "ICC_PROFILE\0");
            case APP14 -> startsWith(jpeg, payload, payloadLength, "Adobe");
            default -> false;
        };
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
