package org.openworldchat.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.openworldchat.upload.CraftedImages.ascii;
import static org.openworldchat.upload.CraftedImages.concat;
import static org.openworldchat.upload.CraftedImages.containsText;
import static org.openworldchat.upload.CraftedImages.decode;
import static org.openworldchat.upload.CraftedImages.encode;
import static org.openworldchat.upload.CraftedImages.headerSegments;
import static org.openworldchat.upload.CraftedImages.picture;
import static org.openworldchat.upload.CraftedImages.pixels;
import static org.openworldchat.upload.CraftedImages.scanData;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import org.apache.commons.imaging.Imaging;
import org.apache.commons.imaging.formats.jpeg.JpegImageMetadata;
import org.apache.commons.imaging.formats.tiff.TiffField;
import org.apache.commons.imaging.formats.tiff.TiffImageMetadata;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.junit.jupiter.api.Test;
import org.openworldchat.ratelimit.AddressKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.upload.ImageSanitizer.Sanitized;
import org.openworldchat.upload.CraftedImages.Chunk;
import org.openworldchat.upload.CraftedImages.Segment;

/** What an upload becomes before it is stored: its type from its bytes, bounded, decodable, without metadata. */
class ImageSanitizerTest {

    private static final int COM = 0xFE;
    private static final int APP1 = 0xE1;
    private static final int APP13 = 0xED;
    private static final int APP0 = 0xE0;
    private static final int APP2 = 0xE2;
    private static final int APP14 = 0xEE;

    static final AddressKey ADDRESS = new AddressKey("uploader", java.util.Optional.empty());

    private final ImageSanitizer sanitizer = new ImageSanitizer();

    // ---- JPEG ----

    @Test
    void jpegLosesExifGpsXmpIptcAndCommentsButKeepsItsOrientationAndScanDataIntact() throws Exception {
        byte[] plain = encode(picture(64, 48), "jpg");
        byte[] upload = CraftedImages.withExif(plain, 3);
        upload = CraftedImages.withXmp(upload, "Secret Author");
        upload = CraftedImages.withIptcCity(upload, "Atlantis");
        upload = CraftedImages.withSegment(upload, COM, ascii("shot at home"));
        JpegImageMetadata before = (JpegImageMetadata) Imaging.getMetadata(upload);
        assertThat(before.getExif().getGpsInfo()).as("the upload really has GPS").isNotNull();
        assertThat(before.getPhotoshop()).as("the upload really has IPTC").isNotNull();
        assertThat(Imaging.getXmpXml(upload)).contains("Secret Author");

        Sanitized result = sanitizer.sanitize(upload, ADDRESS);

        assertThat(result.type()).isEqualTo(ImageType.JPEG);
        assertThat(result.width()).isEqualTo(64);
        assertThat(result.height()).isEqualTo(48);
        byte[] clean = result.data();
        TiffImageMetadata exif = ((JpegImageMetadata) Imaging.getMetadata(clean)).getExif();
        assertThat(exif.getAllFields()).extracting(TiffField::getTag)
                .containsExactly(TiffTagConstants.TIFF_TAG_ORIENTATION.tag);
        assertThat(exif.findField(TiffTagConstants.TIFF_TAG_ORIENTATION).getIntValue()).isEqualTo(3);
        assertThat(exif.getGpsInfo()).isNull();
        assertThat(((JpegImageMetadata) Imaging.getMetadata(clean)).getPhotoshop()).isNull();
        assertThat(Imaging.getXmpXml(clean)).isNull();
        assertThat(headerSegments(clean)).extracting(Segment::marker).doesNotContain(COM, APP13)
                .filteredOn(marker -> marker == APP1).hasSize(1);
        for (String secret : List.of("SpyCam", "SN-424242", "Secret Author", "Atlantis", "shot at home")) {
            assertThat(containsText(clean, secret)).as(secret).isFalse();
        }

        assertThat(scanData(clean)).as("the compressed image is untouched").isEqualTo(scanData(upload));
        assertThat(tables(clean)).as("tables and frame header untouched")
                .usingRecursiveFieldByFieldElementComparator().isEqualTo(tables(upload));
        assertThat(pixels(decode(clean))).isEqualTo(pixels(decode(plain)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void jpegSizeIsAsDisplayedAndOrientationsFiveToEightSwapIt(int orientation) throws Exception {
        byte[] upload = CraftedImages.withExif(encode(picture(64, 48), "jpg"), orientation);

        Sanitized result = sanitizer.sanitize(upload, ADDRESS);

        boolean quarterTurn = orientation >= 5;
        assertThat(result.width()).isEqualTo(quarterTurn ? 48 : 64);
        assertThat(result.height()).isEqualTo(quarterTurn ? 64 : 48);
        TiffImageMetadata exif = ((JpegImageMetadata) Imaging.getMetadata(result.data())).getExif();
        assertThat(exif.findField(TiffTagConstants.TIFF_TAG_ORIENTATION).getIntValue()).isEqualTo(orientation);
        BufferedImage stored = decode(result.data());
        assertThat(stored.getWidth()).as("pixels are stored as shot").isEqualTo(64);
    }

    @Test
    void jpegWithoutMetadataGainsNoExifAndKeepsItsBytes() {
        byte[] plain = encode(picture(32, 32), "jpg");

        Sanitized result = sanitizer.sanitize(plain, ADDRESS);

        assertThat(result.data()).isEqualTo(plain);
        assertThat(headerSegments(result.data())).extracting(Segment::marker).doesNotContain(APP1);
    }

    @Test
    void jpegLosesMetadataTheRewritersMissOrCannotParseButKeepsItsColourProfile() throws Exception {
        byte[] plain = encode(picture(40, 30), "jpg");
        byte[] iptc = CraftedImages.withIptcCity(plain, "secret-city");
        byte[] app13 = headerSegments(iptc).stream().filter(s -> s.marker() == APP13).findFirst().orElseThrow().payload();
        byte[] icc = concat(ascii("ICC_PROFILE\0"), new byte[]{1, 1},
                ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData());
        // IPTC over two APP13 segments, which commons-imaging refuses to parse.
        byte[] upload = CraftedImages.withSegment(CraftedImages.withSegment(plain, APP13, app13), APP13, app13);
        upload = CraftedImages.withSegment(upload, APP1, ascii("Exif\0\0not a TIFF header, secret-exif"));
        upload = CraftedImages.withSegment(upload, 0xE2, icc);
        upload = CraftedImages.withSegment(upload, APP1, ascii("http://ns.adobe.com/xmp/extension/\0secret-extended"));
        upload = CraftedImages.withSegment(upload, 0xE2, ascii("MPF\0secret-multi-picture"));
        upload = CraftedImages.withSegment(upload, 0xEB, ascii("JP secret-c2pa-manifest"));
        upload = concat(upload, ascii("....ftypmp42 secret-motion-photo-video"));

        byte[] clean = sanitizer.sanitize(upload, ADDRESS).data();

        assertThat(containsText(clean, "secret")).isFalse();
        assertThat(headerSegments(clean)).extracting(Segment::marker)
                .filteredOn(marker -> marker >= 0xE0 && marker <= 0xEF || marker == COM)
                .as("only the ICC profile and JFIF are left").containsExactly(0xE2, 0xE0);
        assertThat(Arrays.copyOf(headerSegments(clean).get(0).payload(), 14))
                .as("the profile fits one chunk, number 1 of 1").isEqualTo(concat(ascii("ICC_PROFILE\0"), new byte[]{1, 1}));
        byte[] srgb = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        Map<String, byte[]> kept = CraftedImages.iccTags(CraftedImages.iccProfileOf(clean));
        assertThat(kept.keySet()).as("the colour tags; the names of the profile, its maker and model are gone")
                .containsExactly("wtpt", "rXYZ", "bXYZ", "gXYZ", "rTRC", "gTRC", "bTRC", "chrm");
        Map<String, byte[]> original = CraftedImages.iccTags(srgb);
        kept.forEach((tag, data) -> assertThat(data).as(tag).isEqualTo(original.get(tag)));
        assertThat(tables(clean)).usingRecursiveFieldByFieldElementComparator().isEqualTo(tables(plain));
        assertThat(scanData(clean)).isEqualTo(scanData(plain));
        assertThat(pixels(decode(clean))).isEqualTo(pixels(decode(plain)));
    }

    @Test
    void jpegKeepsTheFixedJfifAndAdobeHeadersAndAColourProfileCutToItsColourTags() throws Exception {
        byte[] plain = encode(picture(40, 30), "jpg");
        byte[] jfif = headerSegments(plain).get(0).payload();
        assertThat(jfif).as("ImageIO writes a 14-byte JFIF header without thumbnail").hasSize(14);
        // A 2×2 RGB thumbnail is 12 bytes: a small copy of the picture, perhaps from before a crop.
        byte[] jfifWithThumbnail = concat(Arrays.copyOf(jfif, 12), new byte[]{2, 2}, ascii("secret-thumb"));
        byte[] adobeHeader = concat(ascii("Adobe"), new byte[]{0, 100, 0, 0, 0, 0, 1}); // version 100, YCbCr
        byte[] profile = CraftedImages.iccProfileWithSecrets("secret-icc");
        ICC_Profile originalProfile = ICC_Profile.getInstance(profile);
        List<byte[]> chunks = CraftedImages.iccChunks(profile, 2);

        byte[] upload = CraftedImages.withoutSegments(plain, APP0);
        upload = CraftedImages.withSegment(upload, APP14, concat(adobeHeader, ascii("secret-adobe")));
        // Chunk 2 before chunk 1: the sequence numbers, not the order, put the profile together.
        upload = CraftedImages.withSegment(upload, APP2, chunks.get(0));
        upload = CraftedImages.withSegment(upload, APP2, chunks.get(1));
        upload = CraftedImages.withSegment(upload, APP0, jfifWithThumbnail);
        assertThat(pixels(decode(upload))).as("the test file itself decodes").isEqualTo(pixels(decode(plain)));

        byte[] clean = sanitizer.sanitize(upload, ADDRESS).data();

        assertThat(containsText(clean, "secret")).isFalse();
        assertThat(pixels(decode(clean))).isEqualTo(pixels(decode(plain)));
        assertThat(scanData(clean)).isEqualTo(scanData(plain));
        List<Segment> segments = headerSegments(clean);
        assertThat(segments).extracting(Segment::marker).filteredOn(marker -> marker >= APP0 && marker <= APP14)
                .containsExactly(APP0, APP2, APP14);
        assertThat(segments.get(0).payload()).as("JFIF without its thumbnail").isEqualTo(jfif);
        assertThat(segments.get(2).payload()).as("Adobe's 12-byte header").isEqualTo(adobeHeader);

        byte[] cleanProfile = CraftedImages.iccProfileOf(clean);
        ICC_Profile kept = ICC_Profile.getInstance(cleanProfile);
        assertThat(CraftedImages.iccTags(cleanProfile).keySet())
                .containsExactly("wtpt", "rXYZ", "bXYZ", "gXYZ", "rTRC", "gTRC", "bTRC", "chrm");
        assertThat(CraftedImages.iccTags(cleanProfile).get("wtpt")).as("no bytes after the white point").hasSize(20);
        ByteBuffer header = ByteBuffer.wrap(cleanProfile);
        assertThat(header.getInt(0)).as("size").isEqualTo(cleanProfile.length);
        assertThat(header.getInt(8)).as("version").isEqualTo(ByteBuffer.wrap(profile).getInt(8));
        assertThat(Arrays.copyOfRange(cleanProfile, 12, 24)).as("class, colour space, connection space")
                .isEqualTo(Arrays.copyOfRange(profile, 12, 24));
        for (int[] field : new int[][]{{4, 4}, {24, 12}, {40, 4}, {48, 4}, {52, 4}, {80, 4}, {84, 16}}) {
            assertThat(Arrays.copyOfRange(cleanProfile, field[0], field[0] + field[1]))
                    .as("CMM, date, platform, manufacturer, model, creator, profile ID: header byte %d", field[0])
                    .containsOnly(0);
        }
        ICC_ColorSpace before = new ICC_ColorSpace(originalProfile);
        ICC_ColorSpace after = new ICC_ColorSpace(kept);
        for (float[] rgb : new float[][]{{0, 0, 0}, {1, 1, 1}, {1, 0, 0}, {0.2f, 0.6f, 0.9f}, {0.5f, 0.5f, 0.5f}}) {
            assertThat(after.toCIEXYZ(rgb)).as("the same colour").containsExactly(before.toCIEXYZ(rgb));
        }
    }

    @Test
    void aLargeColourProfileIsChunkedAgainAndOneThatCannotBeReadIsDropped() {
        byte[] plain = encode(picture(40, 30), "jpg");
        // Java's PhotoYCC profile: 229 KiB of lookup tables, in four chunks once cleaned.
        byte[] pycc = ICC_Profile.getInstance(ColorSpace.CS_PYCC).getData();
        byte[] large = plain;
        for (byte[] chunk : CraftedImages.iccChunks(pycc, 5).reversed()) {
            large = CraftedImages.withSegment(large, APP2, chunk);
        }
        byte[] clean = JpegSegments.keepRendering(large);
        List<byte[]> chunks = headerSegments(clean).stream()
                .filter(s -> s.marker() == APP2).map(Segment::payload).toList();
        assertThat(chunks).hasSize(4).allSatisfy(chunk -> assertThat(chunk.length).isLessThanOrEqualTo(65533));
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(Arrays.copyOfRange(chunks.get(i), 12, 14)).isEqualTo(new byte[]{(byte) (i + 1), 4});
        }
        byte[] rebuilt = CraftedImages.iccProfileOf(clean);
        assertThat(CraftedImages.iccTags(rebuilt).keySet()).containsExactly("wtpt", "chad", "B2A0", "A2B0");
        ICC_ColorSpace before = new ICC_ColorSpace(ICC_Profile.getInstance(pycc));
        ICC_ColorSpace after = new ICC_ColorSpace(ICC_Profile.getInstance(rebuilt));
        float[] ycc = {0.3f, 0.5f, 0.7f};
        assertThat(after.toCIEXYZ(ycc)).containsExactly(before.toCIEXYZ(ycc));
        assertThat(scanData(clean)).isEqualTo(scanData(plain));

        List<byte[]> srgbChunks = CraftedImages.iccChunks(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData(), 2);
        List<byte[]> unreadable = List.of(
                ascii("ICC_PROFILE\0\1\1secret: not a profile at all"),
                srgbChunks.get(0), // chunk 1 of 2, without chunk 2
                concat(ascii("ICC_PROFILE\0\1\1"), Arrays.copyOf(pycc, 4000))); // cut short
        for (byte[] payload : unreadable) {
            Sanitized result = sanitizer.sanitize(CraftedImages.withSegment(plain, APP2, payload), ADDRESS);
            assertThat(headerSegments(result.data())).extracting(Segment::marker).doesNotContain(APP2);
            assertThat(containsText(result.data(), "secret")).isFalse();
            assertThat(pixels(decode(result.data()))).isEqualTo(pixels(decode(plain)));
        }
    }

    // ---- PNG ----

    @Test
    void pngKeepsOnlyRenderingChunksWithIdenticalImageData() {
        byte[] plain = encode(picture(40, 30), "png");
        List<Chunk> chunks = new ArrayList<>(CraftedImages.pngChunks(plain));
        chunks.addAll(1, List.of(
                Chunk.of("tEXt", "Comment\0shot at home"),
                Chunk.of("iTXt", "XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>Secret Author</x:xmpmeta>"),
                Chunk.of("eXIf", "MM\0*\0\0\0\10SpyCam GPS 48.8584 2.2945"),
                Chunk.of("tIME", "\7\350\1\1\12\0\0"),
                Chunk.of("prVt", "private vendor data")));
        byte[] upload = CraftedImages.png(chunks);

        Sanitized result = sanitizer.sanitize(upload, ADDRESS);

        assertThat(result.type()).isEqualTo(ImageType.PNG);
        assertThat(result.width()).isEqualTo(40);
        assertThat(result.height()).isEqualTo(30);
        List<Chunk> kept = CraftedImages.pngChunks(result.data());
        assertThat(kept).extracting(Chunk::type).doesNotContain("tEXt", "iTXt", "eXIf", "tIME", "prVt");
        assertThat(kept).usingRecursiveFieldByFieldElementComparator().isEqualTo(CraftedImages.pngChunks(plain));
        assertThat(result.data()).isEqualTo(plain);
        assertThat(pixels(decode(result.data()))).isEqualTo(pixels(decode(plain)));
    }

    // ---- WebP ----

    @Test
    void webpLosesExifXmpAndIccChunksAndTheirFlags() {
        byte[] bitstream = CraftedImages.vp8lSolid(30, 20, 0xFF3366CC);
        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        byte[] upload = CraftedImages.riff(List.of(
                CraftedImages.vp8x(0x20 | 0x08 | 0x04, 30, 20),
                new Chunk("ICCP", icc),
                new Chunk("VP8L", bitstream),
                Chunk.of("EXIF", "MM\0*\0\0\0\10SpyCam GPS 48.8584 2.2945"),
                Chunk.of("XMP ", "<x:xmpmeta>Secret Author</x:xmpmeta>")));
        assertThat(decode(upload).getRGB(5, 5)).as("the test file itself decodes").isEqualTo(0xFF3366CC);

        Sanitized result = sanitizer.sanitize(upload, ADDRESS);

        assertThat(result.type()).isEqualTo(ImageType.WEBP);
        assertThat(result.width()).isEqualTo(30);
        assertThat(result.height()).isEqualTo(20);
        byte[] clean = result.data();
        List<Chunk> kept = CraftedImages.riffChunks(clean);
        assertThat(kept).extracting(Chunk::type).containsExactly("VP8X", "VP8L");
        assertThat(kept.get(0).data()[0]).as("ICC, EXIF and XMP flags cleared").isZero();
        assertThat(kept.get(1).data()).isEqualTo(bitstream);
        assertThat(Integer.reverseBytes(ByteBuffer.wrap(clean, 4, 4).getInt())).isEqualTo(clean.length - 8);
        assertThat(containsText(clean, "SpyCam") || containsText(clean, "Secret Author")).isFalse();
        BufferedImage decoded = decode(clean);
        assertThat(decoded.getWidth()).isEqualTo(30);
        assertThat(decoded.getRGB(29, 19)).isEqualTo(0xFF3366CC);
    }

    @Test
    void lossyWebpWithoutMetadataIsKeptAsIs() {
        // The 1×1 lossy WebP that browsers' feature checks use.
        byte[] upload = Base64.getDecoder().decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA");
        assertThat(decode(upload).getWidth()).isEqualTo(1);

        Sanitized result = sanitizer.sanitize(upload, ADDRESS);

        assertThat(result.width()).isEqualTo(1);
        assertThat(result.height()).isEqualTo(1);
        assertThat(result.data()).isEqualTo(upload);
    }

    @Test
    void animatedWebpIsMeasuredByItsCanvasAndEveryFrameIsBounded() {
        byte[] anim = {0, 0, 0, 0, 0, 0};
        byte[] upload = CraftedImages.riff(List.of(CraftedImages.vp8x(0x02 | 0x08, 40, 30), new Chunk("ANIM", anim),
                CraftedImages.anmf(40, 30, CraftedImages.vp8lSolid(40, 30, 0xFF112233)),
                CraftedImages.anmf(20, 10, CraftedImages.vp8lSolid(20, 10, 0xFF445566)),
                Chunk.of("EXIF", "MM\0*\0\0\0\10SpyCam")));

        Sanitized result = sanitizer.sanitize(upload, ADDRESS);

        assertThat(result.width()).isEqualTo(40);
        assertThat(result.height()).isEqualTo(30);
        List<Chunk> kept = CraftedImages.riffChunks(result.data());
        assertThat(kept).extracting(Chunk::type).containsExactly("VP8X", "ANIM", "ANMF", "ANMF");
        assertThat(kept.get(0).data()[0]).isEqualTo((byte) 0x02);

        byte[] hugeFrame = CraftedImages.riff(List.of(CraftedImages.vp8x(0x02, 40, 30), new Chunk("ANIM", anim),
                CraftedImages.anmf(40, 30, CraftedImages.vp8lSolid(16_384, 16_384, 0xFF112233))));
        assertThat(refusal(sanitizer, hugeFrame)).isEqualTo(ErrorCode.INVALID_IMAGE);
    }

    @Test
    void animationFramesKeepOnlyTheirImageChunks() {
        byte[] anim = {0, 0, 0, 0, 0, 0};
        byte[] first = CraftedImages.vp8lSolid(40, 30, 0xFF112233);
        byte[] second = CraftedImages.vp8lSolid(20, 10, 0xFF445566);
        // The container lets a frame carry more chunks after its image data; readers skip them.
        byte[] upload = CraftedImages.riff(List.of(CraftedImages.vp8x(0x02, 40, 30), new Chunk("ANIM", anim),
                CraftedImages.anmf(40, 30, first, Chunk.of("EXIF", "MM\0*\0\0\0\10secret-frame-gps")),
                CraftedImages.anmf(20, 10, second, Chunk.of("XMP ", "<x:xmpmeta>secret-author</x:xmpmeta>"))));
        assertThat(decode(upload).getRGB(0, 0)).as("the test file itself decodes").isEqualTo(0xFF112233);

        byte[] clean = sanitizer.sanitize(upload, ADDRESS).data();

        assertThat(containsText(clean, "secret")).isFalse();
        List<Chunk> kept = CraftedImages.riffChunks(clean);
        assertThat(kept).extracting(Chunk::type).containsExactly("VP8X", "ANIM", "ANMF", "ANMF");
        assertThat(kept.get(2)).usingRecursiveComparison().isEqualTo(CraftedImages.anmf(40, 30, first));
        assertThat(kept.get(3)).usingRecursiveComparison().isEqualTo(CraftedImages.anmf(20, 10, second));
        assertThat(Integer.reverseBytes(ByteBuffer.wrap(clean, 4, 4).getInt())).isEqualTo(clean.length - 8);
        assertThat(decode(clean).getRGB(39, 29)).isEqualTo(0xFF112233);

        // An unknown chunk in a frame makes the decoder warn; dropped before the decode, it no longer gets the file refused.
        byte[] vendor = CraftedImages.riff(List.of(CraftedImages.vp8x(0x02, 40, 30), new Chunk("ANIM", anim),
                CraftedImages.anmf(40, 30, first, Chunk.of("XYZW", "secret-vendor-data"))));
        assertThat(CraftedImages.riffChunks(sanitizer.sanitize(vendor, ADDRESS).data()).get(2))
                .usingRecursiveComparison().isEqualTo(CraftedImages.anmf(40, 30, first));
    }

    // ---- refusals ----

    @Test
    void otherTypesAreUnsupportedWhateverTheyClaim() {
        byte[] gif = encode(picture(8, 8), "gif");
        byte[] bmp = encode(picture(8, 8), "bmp");
        byte[] text = ascii("just some text, named photo.jpg");
        byte[] svg = ascii("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
        byte[] riffWave = concat(ascii("RIFF"), new byte[4], ascii("WAVEfmt "));
        for (byte[] file : List.of(gif, bmp, text, svg, riffWave, new byte[0], new byte[]{(byte) 0xFF, (byte) 0xD8})) {
            assertThat(refusal(sanitizer, file)).isEqualTo(ErrorCode.UNSUPPORTED_IMAGE_TYPE);
        }
    }

    @Test
    void truncatedOrDamagedJpegsAreInvalid() {
        byte[] jpeg = encode(picture(200, 150), "jpg");
        assertThat(refusal(sanitizer, Arrays.copyOf(jpeg, jpeg.length * 6 / 10))).isEqualTo(ErrorCode.INVALID_IMAGE);
        assertThat(refusal(sanitizer, Arrays.copyOf(jpeg, jpeg.length - 2))).as("no EOI").isEqualTo(ErrorCode.INVALID_IMAGE);
        byte[] cutWithEoi = concat(Arrays.copyOf(jpeg, jpeg.length * 6 / 10), new byte[]{(byte) 0xFF, (byte) 0xD9});
        assertThat(refusal(sanitizer, cutWithEoi)).as("well formed, but the decoder runs out of scan data")
                .isEqualTo(ErrorCode.INVALID_IMAGE);
        assertThat(refusal(sanitizer, Arrays.copyOf(jpeg, 20))).isEqualTo(ErrorCode.INVALID_IMAGE);
        assertThat(refusal(sanitizer, concat(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, new byte[500])))
                .isEqualTo(ErrorCode.INVALID_IMAGE);
    }

    @Test
    void pngWithCorruptImageDataIsInvalid() {
        byte[] png = encode(picture(64, 64), "png");
        List<Chunk> chunks = CraftedImages.pngChunks(png);
        int idat = chunks.stream().map(Chunk::type).toList().indexOf("IDAT");
        byte[] data = chunks.get(idat).data();

        byte[] flipped = png.clone();
        int inIdat = 8 + chunks.subList(0, idat).stream().mapToInt(c -> 12 + c.data().length).sum() + 8 + data.length / 2;
        flipped[inIdat] ^= 0x55;
        assertThat(refusal(sanitizer, flipped)).as("CRC mismatch").isEqualTo(ErrorCode.INVALID_IMAGE);

        List<Chunk> cut = new ArrayList<>(chunks);
        cut.set(idat, new Chunk("IDAT", Arrays.copyOf(data, data.length / 2)));
        assertThat(refusal(sanitizer, CraftedImages.png(cut))).as("valid CRC, compressed data cut short")
                .isEqualTo(ErrorCode.INVALID_IMAGE);

        assertThat(refusal(sanitizer, Arrays.copyOf(png, png.length - 12))).as("no IEND")
                .isEqualTo(ErrorCode.INVALID_IMAGE);
        assertThat(refusal(sanitizer, Arrays.copyOf(png, 8))).isEqualTo(ErrorCode.INVALID_IMAGE);
    }

    @Test
    void pngBombIsRefusedFromItsHeaderWithoutDecoding() {
        byte[] zeros = new byte[4096];
        Deflater deflater = new Deflater();
        deflater.setInput(zeros);
        deflater.finish();
        byte[] compressed = new byte[1024];
        compressed = Arrays.copyOf(compressed, deflater.deflate(compressed));
        byte[] bomb = CraftedImages.png(List.of(
                CraftedImages.ihdr(50_000, 50_000), new Chunk("IDAT", compressed), new Chunk("IEND", new byte[0])));
        assertThat(bomb.length).isLessThan(1024);

        long start = System.nanoTime();
        ErrorCode code = refusal(sanitizer, bomb);
        long elapsed = System.nanoTime() - start;

        assertThat(code).isEqualTo(ErrorCode.INVALID_IMAGE);
        assertThat(Duration.ofNanos(elapsed)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void sizesBeyondTheLimitsOrEmptyAreInvalid() {
        byte[] jpeg = encode(picture(16, 16), "jpg");
        byte[] iend = CraftedImages.png(List.of(new Chunk("IEND", new byte[0])));
        List<byte[]> files = List.of(
                CraftedImages.withFrameSize(jpeg, 20_000, 20_000),
                CraftedImages.withFrameSize(jpeg, 6_000, 5_000), // 30 megapixels, each side allowed
                CraftedImages.withFrameSize(jpeg, 0, 16),
                CraftedImages.png(List.of(CraftedImages.ihdr(20_000, 1), new Chunk("IEND", new byte[0]))),
                CraftedImages.png(List.of(CraftedImages.ihdr(0, 10), new Chunk("IEND", new byte[0]))),
                concat(CraftedImages.png(List.of(CraftedImages.ihdr(-1, -1))), Arrays.copyOfRange(iend, 8, iend.length)),
                CraftedImages.riff(List.of(new Chunk("VP8L", CraftedImages.vp8lSolid(16_384, 16_384, 0xFF000000)))),
                CraftedImages.riff(List.of(CraftedImages.vp8x(0, 100, 100),
                        new Chunk("VP8L", CraftedImages.vp8lSolid(16_384, 16_384, 0xFF000000)))));
        for (byte[] file : files) {
            long start = System.nanoTime();
            assertThat(refusal(sanitizer, file)).isEqualTo(ErrorCode.INVALID_IMAGE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
    }

    /**
     * No decode can start here: every permit is taken, so a decode would wait for ever. A file
     * claiming 6000 × 5000 pixels (30 megapixels, each side allowed) is refused all the same, and
     * at once, which proves the size is checked from the header before anything is decoded.
     */
    @Test
    void tooManyPixelsAreRefusedBeforeAnyDecodeIsAttempted() {
        DecodeScheduler noDecodes = new DecodeScheduler(0, 100, Duration.ofMinutes(1), System::nanoTime);
        ImageSanitizer blocked = new ImageSanitizer(noDecodes);
        byte[] lossy = Base64.getDecoder().decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA");
        // The 1×1 lossy file from above, its VP8 frame header claiming 6000 × 5000.
        ByteBuffer.wrap(lossy).order(ByteOrder.LITTLE_ENDIAN).putShort(26, (short) 6000).putShort(28, (short) 5000);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("JPEG", CraftedImages.withFrameSize(encode(picture(16, 16), "jpg"), 6_000, 5_000));
        files.put("PNG", UploadContract.pngClaiming(6_000, 5_000));
        files.put("lossless WebP", CraftedImages.riff(List.of(
                new Chunk("VP8L", CraftedImages.vp8lSolid(6_000, 5_000, 0xFF000000)))));
        files.put("lossy WebP", lossy);

        files.forEach((format, file) -> {
            assertThat(file.length).as(format).isLessThan(1024);
            ChatException refused = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(ChatException.class, () -> blocked.sanitize(file, ADDRESS)),
                    format + " was not refused before decoding");
            assertThat(refused.code()).as(format).isEqualTo(ErrorCode.INVALID_IMAGE);
            assertThat(refused.getMessage()).as(format).contains("too many pixels");
        });
        assertThat(noDecodes.waiting()).isZero();
    }

    @Test
    void malformedWebpIsInvalid() {
        byte[] good = CraftedImages.riff(List.of(new Chunk("VP8L", CraftedImages.vp8lSolid(10, 10, 0xFF00FF00))));
        assertThat(sanitizer.sanitize(good, ADDRESS).width()).isEqualTo(10);
        assertThat(refusal(sanitizer, Arrays.copyOf(good, good.length - 4))).as("cut short")
                .isEqualTo(ErrorCode.INVALID_IMAGE);
        assertThat(refusal(sanitizer, CraftedImages.riff(List.of(Chunk.of("EXIF", "no image")))))
                .isEqualTo(ErrorCode.INVALID_IMAGE);
        assertThat(refusal(sanitizer, CraftedImages.riff(List.of(CraftedImages.vp8x(0, 50, 50),
                new Chunk("VP8L", CraftedImages.vp8lSolid(10, 10, 0xFF00FF00)))))).as("canvas and image disagree")
                .isEqualTo(ErrorCode.INVALID_IMAGE);
    }

    private static List<Segment> tables(byte[] jpeg) {
        Set<Integer> metadata = Set.of(0xE0, 0xE1, 0xE2, 0xED, COM);
        return headerSegments(jpeg).stream().filter(s -> !metadata.contains(s.marker())).toList();
    }

    private static ErrorCode refusal(ImageSanitizer sanitizer, byte[] file) {
        try {
            sanitizer.sanitize(file, ADDRESS);
        } catch (ChatException e) {
            return e.code();
        }
        throw new AssertionError("the file was accepted");
    }
}
