package org.openworldchat.upload;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * PNG reading without decoding: the size from IHDR, and a copy keeping only the chunks that
 * affect how the image renders. Text, EXIF, timestamps and ICC profiles are dropped by omission
 * rather than by a list of known metadata chunks, so a private or future chunk cannot slip
 * through. The kept chunks are copied byte for byte: nothing is re-encoded.
 */
final class PngImage {

    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** Pixel data, palette, transparency and colour rendering, plus APNG's animation chunks. */
    private static final Set<String> RENDERING_CHUNKS = Set.of(
            "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "pHYs",
            "acTL", "fcTL", "fdAT");

    private PngImage() {
    }

    /** The size IHDR claims; IHDR must be the first chunk. */
    static ImageSize size(byte[] png) {
        int ihdr = SIGNATURE.length;
        if (png.length < ihdr + 8 + 13 + 4) {
            throw ImageErrors.truncated();
        }
        if (readUnsigned(png, ihdr) != 13 || !"IHDR".equals(type(png, ihdr + 4))) {
            throw ImageErrors.invalid("The PNG file has no valid header");
        }
        return new ImageSize(readUnsigned(png, ihdr + 8), readUnsigned(png, ihdr + 12));
    }

    /**
     * The file with only rendering chunks. Every chunk's CRC is checked on the way: a decoder
     * does not always read to the end of the compressed data, so a damaged chunk could otherwise
     * pass unnoticed. Bytes after IEND are dropped.
     */
    static byte[] strip(byte[] png) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length);
        out.write(png, 0, SIGNATURE.length);
        int pos = SIGNATURE.length;
        while (true) {
            if (pos + 12 > png.length) {
                throw ImageErrors.truncated();
            }
            long length = readUnsigned(png, pos);
            if (length > png.length - pos - 12) {
                throw ImageErrors.truncated();
            }
            int total = 12 + (int) length;
            String type = type(png, pos + 4);
            if (!crcMatches(png, pos, (int) length)) {
                throw ImageErrors.invalid("The PNG file is corrupt");
            }
            if (RENDERING_CHUNKS.contains(type)) {
                out.write(png, pos, total);
            }
            pos += total;
            if (type.equals("IEND")) {
                return out.toByteArray();
            }
        }
    }

    private static boolean crcMatches(byte[] png, int chunk, int length) {
        CRC32 crc = new CRC32();
        crc.update(png, chunk + 4, 4 + length);
        return crc.getValue() == readUnsigned(png, chunk + 8 + length);
    }

    private static String type(byte[] png, int offset) {
        return new String(png, offset, 4, StandardCharsets.ISO_8859_1);
    }

    private static long readUnsigned(byte[] b, int offset) {
        return ((b[offset] & 0xFFL) << 24) | ((b[offset + 1] & 0xFFL) << 16)
                | ((b[offset + 2] & 0xFFL) << 8) | (b[offset + 3] & 0xFFL);
    }
}
