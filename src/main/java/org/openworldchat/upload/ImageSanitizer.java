package org.openworldchat.upload;

import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;

/**
 * Turns an uploaded file into an image safe to store and show: its type judged from its bytes,
 * its size bounded before anything is decoded, proven decodable, and stripped of metadata
 * (location, camera, author, comments) without re-encoding the pixels.
 */
final class ImageSanitizer {

    /** An image ready to store: its bytes and its size as displayed (EXIF rotation applied). */
    record Sanitized(ImageType type, byte[] data, int width, int height) {
    }

    /**
     * A decode holds a full raster (100 MB or more at the pixel limit), so at most this many run
     * at once; the server has one sanitizer, however many uploads arrive together.
     */
    static final int CONCURRENT_DECODES = 2;

    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] RIFF = {'R', 'I', 'F', 'F'};
    private static final byte[] WEBP = {'W', 'E', 'B', 'P'};

    private final Semaphore decodePermits;

    ImageSanitizer() {
        this(new Semaphore(CONCURRENT_DECODES, true));
    }

    ImageSanitizer(Semaphore decodePermits) {
        this.decodePermits = decodePermits;
    }

    Sanitized sanitize(byte[] file) {
        ImageType type = typeOf(file);
        return switch (type) {
            case JPEG -> jpeg(file);
            case PNG -> stripAndDecode(type, PngImage.size(file).checked(), PngImage::strip, file);
            case WEBP -> stripAndDecode(type, WebpImage.size(file).checked(), WebpImage::strip, file);
        };
    }

    private Sanitized jpeg(byte[] file) {
        ImageSize stored = JpegSegments.frameSize(file).checked();
        JpegMetadata.Cleaned cleaned = JpegMetadata.clean(file);
        decode(ImageType.JPEG, cleaned.data());
        ImageSize shown = cleaned.swapsSides() ? stored.swapped() : stored;
        return sanitized(ImageType.JPEG, cleaned.data(), shown);
    }

    private Sanitized stripAndDecode(ImageType type, ImageSize size, UnaryOperator<byte[]> strip, byte[] file) {
        byte[] clean = strip.apply(file);
        decode(type, clean);
        return sanitized(type, clean, size);
    }

    /** Decodes what will be stored, not the upload, so the stripping is proven harmless too. */
    private void decode(ImageType type, byte[] data) {
        try {
            decodePermits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.SERVICE_UNAVAILABLE.defaultMessage(), e);
        }
        try {
            ImageDecoder.decodeFully(type, data);
        } finally {
            decodePermits.release();
        }
    }

    private static Sanitized sanitized(ImageType type, byte[] data, ImageSize size) {
        return new Sanitized(type, data, (int) size.width(), (int) size.height());
    }

    /** The type from the first bytes only; a name or a declared content type proves nothing. */
    private static ImageType typeOf(byte[] file) {
        if (startsWith(file, 0, JPEG_MAGIC)) {
            return ImageType.JPEG;
        }
        if (startsWith(file, 0, PngImage.SIGNATURE)) {
            return ImageType.PNG;
        }
        if (startsWith(file, 0, RIFF) && startsWith(file, 8, WEBP)) {
            return ImageType.WEBP;
        }
        throw ImageErrors.unsupported();
    }

    private static boolean startsWith(byte[] file, int offset, byte[] magic) {
        return file.length >= offset + magic.length
                && Arrays.equals(file, offset, offset + magic.length, magic, 0, magic.length);
    }
}
