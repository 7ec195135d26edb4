package org.openworldchat.upload;

import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rebuilds an embedded ICC colour profile (ICC.1:2010 and its version 2 predecessor) with only
 * what a colour conversion needs, because a profile is more than colour: it names the device and
 * the software that made it, when, and often carries free text (a description such as "Color
 * LCD calibrated for Jane", a copyright, the manufacturer and model of the display or camera).
 *
 * <p>What is kept:
 * <ul>
 *   <li>the tags listed in {@link #COLOUR_TAGS}, each only with a tag type the specification
 *       allows for it, and only as many bytes as that type's layout uses when the layout fixes
 *       its own length (so nothing rides in slack after the numbers), with the type's reserved
 *       bytes zeroed. Tags that share their data in the original share it in the copy;</li>
 *   <li>the header fields that say how to read those tags: version, profile class, colour space,
 *       connection space, rendering intent, illuminant, and the bits of the flags and device
 *       attributes that the ICC defines.</li>
 * </ul>
 * Everything else goes: text tags ({@code desc}, {@code cprt}, {@code dmnd}, {@code dmdd},
 * {@code vued}, {@code meta}, colorant and named-colour names), calibration dates, device
 * technology, previews, vendor tags, and bytes between or after tags. In the header the
 * creation date and time, preferred CMM, primary platform, device manufacturer and model,
 * creator, profile ID and the vendor halves of the flags and device attributes become zero, as
 * the specification allows for "not given" (a zero profile ID means "not computed").
 *
 * <p>{@code desc} and {@code cprt} are required by the specification, but converting colours does
 * not read them: Java ({@link ICC_Profile}) converts with the cleaned profile exactly as with the
 * original (see {@code ImageSanitizerTest}), and headless Chromium showed a JPEG carrying Java's
 * linear-RGB profile, cleaned, in the same colours as with the original profile. The result is
 * loaded with {@link ICC_Profile#getInstance(byte[])} before it is returned, so a profile this
 * class produces never makes the image decoder (which reads the profile too) warn and refuse.
 *
 * <p>Anything the cleaner cannot follow (a malformed header or tag table, a colour tag of the
 * wrong type or cut short, no usable colour transform left) means there is no profile: the image
 * is then shown in sRGB, as if it had none, which is better than carrying bytes not understood.
 */
final class IccProfileCleaner {

    private static final int HEADER_SIZE = 128;
    private static final int TAG_TABLE = HEADER_SIZE + 4;
    private static final int TAG_ENTRY = 12;

    /**
     * The colour tags kept, each with the tag types the ICC allows for it. Matrix/TRC profiles
     * (displays) use the colorants and curves, grey ones {@code kTRC}, the others lookup tables;
     * white and black points, chromatic adaptation, chromaticities, luminance, the gamut tag and
     * coding-independent code points (cicp, read by browsers for HDR) only refine the conversion.
     */
    private static final Map<String, Set<String>> COLOUR_TAGS = colourTags();

    private IccProfileCleaner() {
    }

    /** The cleaned profile, or empty when the profile cannot be parsed or has no colour transform. */
    static Optional<byte[]> clean(byte[] profile) {
        byte[] cleaned;
        try {
            cleaned = rebuild(profile);
        } catch (Malformed e) {
            return Optional.empty();
        }
        try {
            ICC_Profile.getInstance(cleaned);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(cleaned);
    }

    private static byte[] rebuild(byte[] profile) {
        if (profile.length < TAG_TABLE) {
            throw new Malformed();
        }
        long declaredSize = u32(profile, 0);
        if (declaredSize < TAG_TABLE || declaredSize > profile.length || !"acsp".equals(fourCc(profile, 36))) {
            throw new Malformed();
        }
        // Bytes after the declared size (padding some writers add) are not part of the profile.
        int size = (int) declaredSize;
        long tagCount = u32(profile, HEADER_SIZE);
        if (tagCount > (size - TAG_TABLE) / TAG_ENTRY) {
            throw new Malformed();
        }
        int tableEnd = TAG_TABLE + (int) tagCount * TAG_ENTRY;

        // The kept tags, in their original order, with the bytes each will get in the copy.
        record Kept(String signature, long offset, long size, byte[] data) {
        }
        List<Kept> kept = new ArrayList<>();
        Set<String> signatures = new HashSet<>();
        for (int i = 0; i < tagCount; i++) {
            int entry = TAG_TABLE + i * TAG_ENTRY;
            String signature = fourCc(profile, entry);
            long offset = u32(profile, entry + 4);
            long length = u32(profile, entry + 8);
            if (offset < tableEnd || length < 8 || offset + length > size) {
                throw new Malformed();
            }
            Set<String> types = COLOUR_TAGS.get(signature);
            if (types == null) {
                continue;
            }
            if (!signatures.add(signature)) {
                throw new Malformed(); // the same tag twice: which one a reader takes is anyone's guess
            }
            String type = fourCc(profile, (int) offset);
            if (!types.contains(type)) {
                throw new Malformed();
            }
            int used = usedLength(profile, (int) offset, (int) length, type);
            byte[] data = Arrays.copyOfRange(profile, (int) offset, (int) offset + used);
            data[4] = data[5] = data[6] = data[7] = 0; // reserved after the type signature
            kept.add(new Kept(signature, offset, length, data));
        }
        if (!hasColourTransform(signatures)) {
            throw new Malformed();
        }

        // Header and tag table first, then each distinct piece of tag data, 4-byte aligned.
        int dataStart = TAG_TABLE + kept.size() * TAG_ENTRY;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte[] table = new byte[kept.size() * TAG_ENTRY];
        Map<List<Long>, int[]> placed = new HashMap<>();
        for (int i = 0; i < kept.size(); i++) {
            Kept tag = kept.get(i);
            int[] where = placed.computeIfAbsent(List.of(tag.offset(), tag.size()), k -> {
                int at = dataStart + data.size();
                data.writeBytes(tag.data());
                data.writeBytes(new byte[(4 - tag.data().length % 4) % 4]);
                return new int[]{at, tag.data().length};
            });
            byte[] sig = tag.signature().getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(sig, 0, table, i * TAG_ENTRY, 4);
            putU32(table, i * TAG_ENTRY + 4, where[0]);
            putU32(table, i * TAG_ENTRY + 8, where[1]);
        }

        byte[] out = new byte[dataStart + data.size()];
        System.arraycopy(profile, 0, out, 0, HEADER_SIZE);
        clearIdentity(out);
        putU32(out, 0, out.length);
        putU32(out, HEADER_SIZE, kept.size());
        System.arraycopy(table, 0, out, TAG_TABLE, table.length);
        System.arraycopy(data.toByteArray(), 0, out, dataStart, data.size());
        return out;
    }

    /**
     * Zeroes the header fields that say who or what made the profile, and when; the rest of the
     * header is how to read the tags and stays.
     */
    private static void clearIdentity(byte[] header) {
        zero(header, 4, 4);    // preferred CMM (the software that made it)
        zero(header, 24, 12);  // creation date and time
        zero(header, 40, 4);   // primary platform (APPL, MSFT, ...)
        zero(header, 44, 2);   // flags: bits 16 to 31 are the vendor's; 0 to 15 (embedded, independent) stay
        zero(header, 48, 4);   // device manufacturer
        zero(header, 52, 4);   // device model
        zero(header, 56, 4);   // device attributes: bits 32 to 63 are the vendor's; 0 to 31 (media) stay
        zero(header, 80, 4);   // profile creator
        zero(header, 84, 16);  // profile ID (an MD5 of the original; zero means not computed)
        zero(header, 100, 28); // reserved, must be zero
    }

    /** Matrix/TRC (RGB), a grey curve, or a device-to-PCS table: without one the profile converts nothing. */
    private static boolean hasColourTransform(Set<String> tags) {
        return tags.contains("A2B0") || tags.contains("D2B0") || tags.contains("kTRC")
                || tags.containsAll(Set.of("rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC"));
    }

    /**
     * How many of a tag's bytes its type uses. Types whose layout fixes their length are cut to
     * it; the lookup types with offsets inside them (mAB, mBA, mpet) keep their stated length.
     */
    private static int usedLength(byte[] p, int at, int length, String type) {
        Tag tag = new Tag(p, at, length);
        long used = switch (type) {
            case "XYZ " -> 8 + 12;                                  // one XYZNumber
            case "sf32" -> 8 + 9 * 4;                               // chad: a 3×3 matrix of s15Fixed16
            case "curv" -> 12 + 2 * tag.u32(8);                     // count, then uInt16 entries
            case "para" -> 12 + 4 * parameterCount(tag.u16(8));     // function type, then its parameters
            case "chrm" -> 12 + 8L * tag.u16(8);                    // channels, phosphor type, x,y per channel
            case "cicp" -> 12;
            case "mft1" -> lut(tag, 48, 1, 256, 256);
            case "mft2" -> lut(tag, 52, 2, tag.u16(48), tag.u16(50));
            default -> length;                                      // mAB, mBA, mpet
        };
        if (used > length) {
            throw new Malformed();
        }
        return (int) used;
    }

    /**
     * lut8 and lut16: a fixed header (with a 3×3 matrix), input tables, a colour lookup table of
     * grid^inputs points of outputs values each, then output tables.
     */
    private static long lut(Tag tag, int header, int bytesPerValue, int inputEntries, int outputEntries) {
        int inputs = tag.u8(8);
        int outputs = tag.u8(9);
        int grid = tag.u8(10);
        if (tag.length() < header) {
            throw new Malformed();
        }
        long clut = outputs;
        for (int i = 0; i < inputs; i++) {
            clut *= grid;
            if (clut > tag.length()) {
                throw new Malformed();
            }
        }
        return header + bytesPerValue * ((long) inputEntries * inputs + clut + (long) outputEntries * outputs);
    }

    /** The number of parameters of each parametric curve function type. */
    private static int parameterCount(int function) {
        return switch (function) {
            case 0 -> 1;
            case 1 -> 3;
            case 2 -> 4;
            case 3 -> 5;
            case 4 -> 7;
            default -> throw new Malformed();
        };
    }

    /** A tag's data; reads past its end (into the next tag, or past the profile) are malformed. */
    private record Tag(byte[] profile, int at, int length) {

        int u8(int field) {
            check(field, 1);
            return profile[at + field] & 0xFF;
        }

        int u16(int field) {
            check(field, 2);
            return (profile[at + field] & 0xFF) << 8 | (profile[at + field + 1] & 0xFF);
        }

        long u32(int field) {
            check(field, 4);
            return IccProfileCleaner.u32(profile, at + field);
        }

        private void check(int field, int bytes) {
            if (field + bytes > length) {
                throw new Malformed();
            }
        }
    }

    private static Map<String, Set<String>> colourTags() {
        Set<String> xyz = Set.of("XYZ ");
        Set<String> curve = Set.of("curv", "para");
        Set<String> lut = Set.of("mft1", "mft2", "mAB ", "mBA ");
        Set<String> multiProcess = Set.of("mpet");
        Map<String, Set<String>> tags = new HashMap<>();
        for (String tag : List.of("rXYZ", "gXYZ", "bXYZ", "wtpt", "bkpt", "lumi")) {
            tags.put(tag, xyz);
        }
        for (String tag : List.of("rTRC", "gTRC", "bTRC", "kTRC")) {
            tags.put(tag, curve);
        }
        for (String tag : List.of("A2B0", "A2B1", "A2B2", "B2A0", "B2A1", "B2A2")) {
            tags.put(tag, lut);
        }
        for (String tag : List.of("D2B0", "D2B1", "D2B2", "D2B3", "B2D0", "B2D1", "B2D2", "B2D3")) {
            tags.put(tag, multiProcess);
        }
        tags.put("gamt", Set.of("mft1", "mft2", "mBA "));
        tags.put("chad", Set.of("sf32"));
        tags.put("chrm", Set.of("chrm"));
        tags.put("cicp", Set.of("cicp"));
        return Map.copyOf(tags);
    }

    private static String fourCc(byte[] b, int offset) {
        return new String(b, offset, 4, StandardCharsets.ISO_8859_1);
    }

    private static long u32(byte[] b, int offset) {
        return (b[offset] & 0xFFL) << 24 | (b[offset + 1] & 0xFFL) << 16
                | (b[offset + 2] & 0xFFL) << 8 | (b[offset + 3] & 0xFFL);
    }

    private static void putU32(byte[] b, int offset, long value) {
        for (int i = 0; i < 4; i++) {
            b[offset + i] = (byte) (value >>> (24 - 8 * i));
        }
    }

    private static void zero(byte[] b, int offset, int length) {
        Arrays.fill(b, offset, offset + length, (byte) 0);
    }

    /** A profile this class cannot follow; caught in {@link #clean} and never leaves it. */
    private static final class Malformed extends RuntimeException {
        Malformed() {
            super(null, null, false, false);
        }
    }
}
