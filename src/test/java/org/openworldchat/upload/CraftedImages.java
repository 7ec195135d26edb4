package org.openworldchat.upload;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.jpeg.iptc.IptcRecord;
import org.apache.commons.imaging.formats.jpeg.iptc.IptcTypes;
import org.apache.commons.imaging.formats.jpeg.iptc.JpegIptcRewriter;
import org.apache.commons.imaging.formats.jpeg.iptc.PhotoshopApp13Data;
import org.apache.commons.imaging.formats.jpeg.xmp.JpegXmpRewriter;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * Test images built in memory: real encodes from ImageIO, then metadata added the way cameras and
 * editors add it, plus the small container walks the assertions need. No binary fixtures.
 */
final class CraftedImages {

    /** A JPEG marker segment before the first scan: its marker and its payload (without the length). */
    record Segment(int marker, byte[] payload) {
    }

    /** A PNG or RIFF chunk: its type and data. */
    record Chunk(String type, byte[] data) {

        static Chunk of(String type, String text) {
            return new Chunk(type, text.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private CraftedImages() {
    }

    static BufferedImage picture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int x = 0; x < width; x++) {
            g.setColor(new Color(x * 255 / width, 120, 255 - x * 255 / width));
            g.drawLine(x, 0, x, height);
        }
        g.setColor(Color.YELLOW);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] file) {
        try {
            return ImageIO.read(new ByteArrayInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static boolean containsText(byte[] file, String text) {
        return new String(file, StandardCharsets.ISO_8859_1).contains(text);
    }

    // ---- JPEG ----

    /** EXIF as a phone writes it: maker, serial number, GPS position and the orientation. */
    static byte[] withExif(byte[] jpeg, int orientation) throws IOException {
        TiffOutputSet exif = new TiffOutputSet();
        exif.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_MAKE, "SpyCam");
        exif.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) orientation);
        exif.getOrCreateExifDirectory().add(ExifTagConstants.EXIF_TAG_BODY_SERIAL_NUMBER, "SN-424242");
        exif.setGpsInDegrees(2.2945, 48.8584);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ExifRewriter().updateExifMetadataLossless(jpeg, out, exif);
        return out.toByteArray();
    }

    static byte[] withXmp(byte[] jpeg, String creator) throws IOException {
        String xmp = "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
                + "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' dc:creator='" + creator + "'/>"
                + "</rdf:RDF></x:xmpmeta>";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JpegXmpRewriter().updateXmpXml(jpeg, out, xmp);
        return out.toByteArray();
    }

    static byte[] withIptcCity(byte[] jpeg, String city) throws IOException {
        PhotoshopApp13Data iptc = new PhotoshopApp13Data(List.of(new IptcRecord(IptcTypes.CITY, city)), new ArrayList<>());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JpegIptcRewriter().writeIptc(jpeg, out, iptc);
        return out.toByteArray();
    }

    /** The file with one more segment right after SOI. */
    static byte[] withSegment(byte[] jpeg, int marker, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(marker);
        out.write((payload.length + 2) >> 8);
        out.write(payload.length + 2);
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static List<Segment> headerSegments(byte[] jpeg) {
        List<Segment> segments = new ArrayList<>();
        int pos = 2;
        while ((jpeg[pos + 1] & 0xFF) != 0xDA) {
            int length = (jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF);
            segments.add(new Segment(jpeg[pos + 1] & 0xFF, Arrays.copyOfRange(jpeg, pos + 4, pos + 2 + length)));
            pos += 2 + length;
        }
        return segments;
    }

    /** Everything from the first SOS marker on: the compressed image itself. */
    static byte[] scanData(byte[] jpeg) {
        int pos = 2;
        while ((jpeg[pos + 1] & 0xFF) != 0xDA) {
            pos += 2 + ((jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF));
        }
        return Arrays.copyOfRange(jpeg, pos, jpeg.length);
    }

    /** The file with its SOF0 claiming another size; the scan data no longer matches, which is the point. */
    static byte[] withFrameSize(byte[] jpeg, int width, int height) {
        byte[] copy = jpeg.clone();
        int pos = 2;
        while ((copy[pos + 1] & 0xFF) != 0xC0) {
            pos += 2 + ((copy[pos + 2] & 0xFF) << 8 | (copy[pos + 3] & 0xFF));
        }
        copy[pos + 5] = (byte) (height >> 8);
        copy[pos + 6] = (byte) height;
        copy[pos + 7] = (byte) (width >> 8);
        copy[pos + 8] = (byte) width;
        return copy;
    }

    /** The file without any segment of this marker before the first scan. */
    static byte[] withoutSegments(byte[] jpeg, int marker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int pos = 2;
        while ((jpeg[pos + 1] & 0xFF) != 0xDA) {
            int length = 2 + ((jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF));
            if ((jpeg[pos + 1] & 0xFF) != marker) {
                out.write(jpeg, pos, length);
            }
            pos += length;
        }
        out.write(jpeg, pos, jpeg.length - pos);
        return out.toByteArray();
    }

    // ---- ICC profiles ----

    /** APP2 payloads carrying the profile in this many chunks, numbered from 1 as the ICC specifies. */
    static List<byte[]> iccChunks(byte[] profile, int count) {
        List<byte[]> chunks = new ArrayList<>();
        int step = (profile.length + count - 1) / count;
        for (int i = 0; i < count; i++) {
            byte[] data = Arrays.copyOfRange(profile, i * step, Math.min(profile.length, (i + 1) * step));
            chunks.add(concat(ascii("ICC_PROFILE\0"), new byte[]{(byte) (i + 1), (byte) count}, data));
        }
        return chunks;
    }

    /** The profile reassembled from a JPEG's ICC_PROFILE chunks, or null when it has none. */
    static byte[] iccProfileOf(byte[] jpeg) {
        byte[] prefix = ascii("ICC_PROFILE\0");
        List<byte[]> chunks = headerSegments(jpeg).stream()
                .filter(s -> s.marker() == 0xE2 && Arrays.equals(s.payload(), 0, prefix.length, prefix, 0, prefix.length))
                .map(Segment::payload)
                .sorted(java.util.Comparator.comparingInt(p -> p[prefix.length] & 0xFF))
                .toList();
        if (chunks.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream profile = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            profile.write(chunk, prefix.length + 2, chunk.length - prefix.length - 2);
        }
        return profile.toByteArray();
    }

    /** A profile's tags in table order, each with the bytes its table entry points at. */
    static java.util.LinkedHashMap<String, byte[]> iccTags(byte[] profile) {
        java.util.LinkedHashMap<String, byte[]> tags = new java.util.LinkedHashMap<>();
        int count = readInt(profile, 128);
        for (int i = 0; i < count; i++) {
            int entry = 132 + 12 * i;
            int offset = readInt(profile, entry + 4);
            tags.put(new String(profile, entry, 4, StandardCharsets.ISO_8859_1),
                    Arrays.copyOfRange(profile, offset, offset + readInt(profile, entry + 8)));
        }
        return tags;
    }

    /** A profile with this header (its size and tag count filled in) and these tags, in this order. */
    static byte[] iccProfile(byte[] header, List<Chunk> tags) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        int dataStart = 132 + 12 * tags.size();
        for (Chunk tag : tags) {
            table.writeBytes(tag.type().getBytes(StandardCharsets.ISO_8859_1));
            table.writeBytes(beInt(dataStart + data.size()));
            table.writeBytes(beInt(tag.data().length));
            data.writeBytes(tag.data());
            data.writeBytes(new byte[(4 - tag.data().length % 4) % 4]);
        }
        byte[] profile = concat(Arrays.copyOf(header, 128), beInt(tags.size()), table.toByteArray(), data.toByteArray());
        System.arraycopy(beInt(profile.length), 0, profile, 0, 4);
        return profile;
    }

    /**
     * Java's sRGB profile as a calibrated display would embed it: a description, copyright,
     * manufacturer and model names, a calibration date, a vendor tag, the text after the white
     * point, the maker's identity in the header, and a profile ID. Every text carries the secret.
     */
    static byte[] iccProfileWithSecrets(String secret) {
        byte[] srgb = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        List<Chunk> tags = new ArrayList<>();
        tags.add(new Chunk("desc", textDescription(secret + " display of Jane")));
        tags.add(new Chunk("cprt", concat(ascii("text\0\0\0\0"), ascii("Copyright " + secret + "\0"))));
        tags.add(new Chunk("dmnd", textDescription(secret + " maker")));
        tags.add(new Chunk("dmdd", textDescription(secret + " model 27-inch")));
        tags.add(new Chunk("calt", concat(ascii("dtim\0\0\0\0"), new byte[]{7, (byte) 232, 0, 3, 0, 14, 0, 9, 0, 30, 0, 0})));
        tags.add(new Chunk("vcgt", concat(ascii("vcgt\0\0\0\0"), ascii(secret + " vendor calibration"))));
        iccTags(srgb).forEach((signature, data) -> {
            if (signature.equals("wtpt")) {
                data = concat(data, ascii(secret.substring(0, Math.min(secret.length(), 12))));
            }
            if (!Set.of("desc", "dmnd", "dmdd").contains(signature)) {
                tags.add(new Chunk(signature, data));
            }
        });
        byte[] header = Arrays.copyOf(srgb, 128);
        System.arraycopy(ascii("appl"), 0, header, 4, 4);                                 // preferred CMM
        System.arraycopy(new byte[]{7, (byte) 232, 0, 3, 0, 14, 0, 9, 0, 30, 0, 0}, 0, header, 24, 12); // created
        System.arraycopy(ascii("APPL"), 0, header, 40, 4);                                 // platform
        System.arraycopy(ascii("SECR"), 0, header, 48, 4);                                 // manufacturer
        System.arraycopy(ascii("J27X"), 0, header, 52, 4);                                 // model
        System.arraycopy(ascii("JANE"), 0, header, 80, 4);                                 // creator
        System.arraycopy(ascii("0123456789abcdef"), 0, header, 84, 16);                    // profile ID
        return iccProfile(header, tags);
    }

    /** A version 2 textDescriptionType: the ASCII text, then empty Unicode and ScriptCode parts. */
    private static byte[] textDescription(String text) {
        byte[] ascii = concat(ascii(text), new byte[1]);
        return concat(ascii("desc\0\0\0\0"), beInt(ascii.length), ascii, new byte[4 + 4 + 2 + 1 + 67]);
    }

    // ---- PNG ----

    static List<Chunk> pngChunks(byte[] png) {
        List<Chunk> chunks = new ArrayList<>();
        int pos = 8;
        while (pos < png.length) {
            int length = readInt(png, pos);
            chunks.add(new Chunk(new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1),
                    Arrays.copyOfRange(png, pos + 8, pos + 8 + length)));
            pos += 12 + length;
        }
        return chunks;
    }

    /** A PNG file from its chunks, each given a correct CRC. */
    static byte[] png(List<Chunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        for (Chunk chunk : chunks) {
            byte[] typeAndData = concat(chunk.type().getBytes(StandardCharsets.ISO_8859_1), chunk.data());
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            out.writeBytes(beInt(chunk.data().length));
            out.writeBytes(typeAndData);
            out.writeBytes(beInt((int) crc.getValue()));
        }
        return out.toByteArray();
    }

    static Chunk ihdr(int width, int height) {
        return new Chunk("IHDR", concat(beInt(width), beInt(height), new byte[]{8, 2, 0, 0, 0}));
    }

    // ---- WebP ----

    /**
     * A lossless VP8L bitstream of one colour: no transforms, no colour cache, and five "simple"
     * prefix codes with a single symbol each, so every pixel costs zero bits. The stated size can
     * be anything up to 16384 per side while the bitstream stays 16 bytes.
     */
    static byte[] vp8lSolid(int width, int height, int argb) {
        LsbBits bits = new LsbBits();
        bits.write(0x2F, 8);
        bits.write(width - 1, 14);
        bits.write(height - 1, 14);
        bits.write(0, 1); // alpha is a hint only
        bits.write(0, 3); // version
        bits.write(0, 1); // no transform
        bits.write(0, 1); // no colour cache
        bits.write(0, 1); // no meta prefix codes
        for (int shift : new int[]{8, 16, 0, 24}) { // green, red, blue, alpha
            bits.write(1, 1); // simple code
            bits.write(0, 1); // one symbol
            bits.write(1, 1); // of 8 bits
            bits.write((argb >>> shift) & 0xFF, 8);
        }
        bits.write(1, 1); // distance: simple code, one 1-bit symbol 0
        bits.write(0, 1);
        bits.write(0, 1);
        bits.write(0, 1);
        // Zero padding, ignored by decoders: the TwelveMonkeys reader buffers 8 bytes past the header.
        return Arrays.copyOf(bits.toBytes(), 16);
    }

    static Chunk vp8x(int flags, int width, int height) {
        return new Chunk("VP8X", concat(new byte[]{(byte) flags, 0, 0, 0}, le24(width - 1), le24(height - 1)));
    }

    /** An animation frame at the canvas origin holding one VP8L bitstream, then any other chunks. */
    static Chunk anmf(int width, int height, byte[] vp8l, Chunk... after) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes(concat(le24(0), le24(0), le24(width - 1), le24(height - 1), le24(100), new byte[1]));
        frame.writeBytes(riffChunk(new Chunk("VP8L", vp8l)));
        for (Chunk chunk : after) {
            frame.writeBytes(riffChunk(chunk));
        }
        return new Chunk("ANMF", frame.toByteArray());
    }

    static byte[] riff(List<Chunk> chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        for (Chunk chunk : chunks) {
            body.writeBytes(riffChunk(chunk));
        }
        return concat("RIFF".getBytes(StandardCharsets.ISO_8859_1), leInt(body.size()), body.toByteArray());
    }

    private static byte[] riffChunk(Chunk chunk) {
        byte[] padding = new byte[chunk.data().length % 2];
        return concat(chunk.type().getBytes(StandardCharsets.ISO_8859_1), leInt(chunk.data().length), chunk.data(), padding);
    }

    static List<Chunk> riffChunks(byte[] webp) {
        List<Chunk> chunks = new ArrayList<>();
        int pos = 12;
        while (pos < webp.length) {
            int length = Integer.reverseBytes(readInt(webp, pos + 4));
            chunks.add(new Chunk(new String(webp, pos, 4, StandardCharsets.ISO_8859_1),
                    Arrays.copyOfRange(webp, pos + 8, pos + 8 + length)));
            pos += 8 + length + (length & 1);
        }
        return chunks;
    }

    // ---- bytes ----

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int readInt(byte[] b, int pos) {
        return (b[pos] & 0xFF) << 24 | (b[pos + 1] & 0xFF) << 16 | (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
    }

    private static byte[] beInt(int value) {
        return new byte[]{(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static byte[] leInt(int value) {
        return beInt(Integer.reverseBytes(value));
    }

    private static byte[] le24(int value) {
        return new byte[]{(byte) value, (byte) (value >>> 8), (byte) (value >>> 16)};
    }

    /** Bits packed least significant first, as VP8L reads them. */
    private static final class LsbBits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long pending;
        private int count;

        void write(int value, int bits) {
            pending |= (long) (value & ((1 << bits) - 1)) << count;
            count += bits;
            while (count >= 8) {
                out.write((int) pending);
                pending >>>= 8;
                count -= 8;
            }
        }

        byte[] toBytes() {
            if (count > 0) {
                out.write((int) pending);
            }
            return out.toByteArray();
        }
    }
}
