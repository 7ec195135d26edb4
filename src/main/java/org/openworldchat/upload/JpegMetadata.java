package org.openworldchat.upload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.commons.imaging.ImagingException;
import org.apache.commons.imaging.bytesource.ByteSource;
import org.apache.commons.imaging.formats.jpeg.JpegImageParser;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.jpeg.iptc.JpegIptcRewriter;
import org.apache.commons.imaging.formats.jpeg.xmp.JpegXmpRewriter;
import org.apache.commons.imaging.formats.tiff.TiffField;
import org.apache.commons.imaging.formats.tiff.TiffImageMetadata;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * Removes JPEG metadata without touching the compressed image: EXIF (with GPS), XMP and IPTC go
 * through commons-imaging's segment rewriters, then {@link JpegSegments} drops what they do not
 * know (comments, extended XMP, vendor segments, data after EOI), cuts JFIF and Adobe segments
 * to their fixed headers and rebuilds the ICC profile with its colour tags only. Only the EXIF
 * orientation is put back, in a fresh EXIF block holding that one tag, because phones store most
 * photos sideways and rely on it to display them upright.
 */
final class JpegMetadata {

    /** The cleaned file and the EXIF orientation (1 to 8) it keeps, or 0 when it has none. */
    record Cleaned(byte[] data, int orientation) {

        /** Orientations 5 to 8 turn the picture a quarter turn, so it displays with its sides swapped. */
        boolean swapsSides() {
            return orientation >= 5;
        }
    }

    private interface Rewrite {
        void apply(byte[] jpeg, OutputStream out) throws IOException;
    }

    private JpegMetadata() {
    }

    static Cleaned clean(byte[] jpeg) {
        int orientation = orientation(jpeg);
        byte[] data = remove(jpeg, (in, out) -> new ExifRewriter().removeExifMetadata(in, out));
        data = remove(data, (in, out) -> new JpegXmpRewriter().removeXmpXml(in, out));
        data = remove(data, (in, out) -> new JpegIptcRewriter().removeIptc(in, out, true));
        data = JpegSegments.keepRendering(data);
        if (orientation != 0) {
            // No EXIF is left, so this writes a new block instead of patching the old one in place.
            data = rewrite(data, (in, out) ->
                    new ExifRewriter().updateExifMetadataLossless(in, out, orientationOnly(orientation)));
        }
        return new Cleaned(data, orientation);
    }

    /** The orientation in IFD0, or 0 when there is none or the EXIF cannot be read (it is removed anyway). */
    private static int orientation(byte[] jpeg) {
        try {
            TiffImageMetadata exif = new JpegImageParser().getExifMetadata(ByteSource.array(jpeg), null);
            TiffField field = exif == null ? null : exif.findField(TiffTagConstants.TIFF_TAG_ORIENTATION, true);
            int value = field == null ? 0 : field.getIntValue();
            return value >= 1 && value <= 8 ? value : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static TiffOutputSet orientationOnly(int orientation) throws ImagingException {
        TiffOutputSet exif = new TiffOutputSet();
        exif.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) orientation);
        return exif;
    }

    /**
     * One rewriter's pass, or the input unchanged when it cannot parse what it is removing (it
     * refuses, for instance, IPTC split over two APP13 segments). That is no reason to refuse the
     * photo: the segment pass after it drops every APP1 and APP13 whatever they hold.
     */
    private static byte[] remove(byte[] jpeg, Rewrite rewrite) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length);
        try {
            rewrite.apply(jpeg, out);
        } catch (IOException | RuntimeException e) {
            return jpeg;
        }
        return out.toByteArray();
    }

    private static byte[] rewrite(byte[] jpeg, Rewrite rewrite) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length);
        try {
            rewrite.apply(jpeg, out);
        } catch (IOException | RuntimeException e) {
            throw ImageErrors.invalid("The JPEG metadata is malformed", e);
        }
        return out.toByteArray();
    }
}
