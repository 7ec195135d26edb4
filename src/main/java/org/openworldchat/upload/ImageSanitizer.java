package org.openworldchat.upload;

import java.util.Arrays;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.openworldchat.ratelimit.AddressKey;

/**
 * Turns an uploaded file into an image safe to store and show: its type judged from its bytes,
 * its size bounded before anything is decoded, proven decodable, and stripped of metadata
 * (location, camera, author, comments) without re-encoding the pixels.
 */
final class ImageSanitizer implements AutoCloseable {

    /** An image ready to store: its bytes and its size as displayed (EXIF rotation applied). */
    record Sanitized(ImageType type, byte[] data, int width, int height) {
    }

    /**
     * A decode holds a core and a raster, so at most this many run at once; the server has one
     * sanitizer, however many uploads arrive together.
     */
    static final int CONCURRENT_DECODES = 2;
    /** Decodes one address may have waiting for their turn; more are refused RATE_LIMITED. */
    static final int MAX_WAITING_PER_ADDRESS = 2;
    /** The longest a decode waits for its turn before the upload is refused SERVICE_UNAVAILABLE. */
    static final Duration MAX_WAIT = Duration.ofSeconds(15);

    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] RIFF = {'R', 'I', 'F', 'F'};
    private static final byte[] WEBP = {'W', 'E', 'B', 'P'};

    private final DecodeScheduler decoder;

    ImageSanitizer() {
        this(new DecodeScheduler(CONCURRENT_DECODES, MAX_WAITING_PER_ADDRESS, MAX_WAIT, System::nanoTime));
    }

    ImageSanitizer(DecodeScheduler decoder) {
        this.decoder = decoder;
    }

    @Override
    public void close() {
        decoder.close();
    }

    /** @param address whose turn at the decoder this is (see {@link DecodeScheduler}) */
    Sanitized sanitize(byte[] file, AddressKey address) {
        ImageType type = typeOf(file);
        return switch (type) {
            case JPEG -> jpeg(file, address);
            case PNG -> stripAndDecode(type, PngImage.size(file).checked(), PngImage::strip, file, address);
            case WEBP -> stripAndDecode(type, WebpImage.size(file).checked(), WebpImage::strip, file, address);
        };
    }

    private Sanitized jpeg(byte[] file, AddressKey address) {
        ImageSize stored = JpegSegments.frameSize(file).checked();
        JpegMetadata.Cleaned cleaned = JpegMetadata.clean(file);
        decode(ImageType.JPEG, cleaned.data(), stored, address);
        ImageSize shown = cleaned.swapsSides() ? stored.swapped() : stored;
        return sanitized(ImageType.JPEG, cleaned.data(), shown);
    }

    private Sanitized stripAndDecode(ImageType type, ImageSize size, UnaryOperator<byte[]> strip, byte[] file,
                                     AddressKey address) {
        byte[] clean = strip.apply(file);
        decode(type, clean, size, address);
        return sanitized(type, clean, size);
    }

    /** Decodes what will be stored, not the upload, so the stripping is proven harmless too. */
    private void decode(ImageType type, byte[] data, ImageSize size, AddressKey address) {
        decoder.run(address, () -> {
            ImageDecoder.decodeFully(type, data, size);
            return null;
        });
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
