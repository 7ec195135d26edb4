package org.openworldchat.upload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.openworldchat.contract.ChatException;

/**
 * A full decode whose only purpose is to prove the file is a readable image; the pixels are
 * thrown away. The JDK reads JPEG and PNG; TwelveMonkeys registers the WebP reader.
 *
 * <p>A large image is read subsampled: every byte of its compressed data is still decoded (a
 * cut-off or damaged stream still fails), but only every n-th pixel of every n-th row is kept, so
 * the raster stays near {@link #KEPT_PIXELS} instead of the full picture. Converting and storing
 * pixels was most of a decode's time: a 25-megapixel 16-bit PNG took a fifth to a third as long,
 * and a hundredth of the memory.
 */
final class ImageDecoder {

    private ImageDecoder() {
    }

    /** Pixels a decode keeps at most, about: larger images are subsampled down to this. */
    static final long KEPT_PIXELS = 2_000_000;

    /** @param size the size the file's header claims, already checked against the limits */
    static void decodeFully(ImageType type, byte[] data, ImageSize size) {
        ImageReader reader = reader(type);
        // The JPEG reader reports a cut-off or damaged scan as a warning and fills in grey.
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        // In memory, never ImageIO's temporary-file cache.
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(input, false, true);
            // The reader's own idea of the size, checked again before it allocates a raster.
            new ImageSize(reader.getWidth(0), reader.getHeight(0)).checked();
            ImageReadParam param = reader.getDefaultReadParam();
            int step = subsampling(size);
            param.setSourceSubsampling(step, step, 0, 0);
            reader.read(0, param);
        } catch (ChatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw ImageErrors.invalid("The image is corrupt", e);
        } finally {
            reader.dispose();
        }
        if (!warnings.isEmpty()) {
            throw ImageErrors.invalid("The image is corrupt");
        }
    }

    /** Every how many pixels and rows one is kept, so that about {@link #KEPT_PIXELS} remain. */
    static int subsampling(ImageSize size) {
        double ratio = (double) size.width() * size.height() / KEPT_PIXELS;
        return ratio <= 1 ? 1 : (int) Math.ceil(Math.sqrt(ratio));
    }

    private static ImageReader reader(ImageType type) {
        String format = switch (type) {
            case JPEG -> "jpeg";
            case PNG -> "png";
            case WEBP -> "webp";
        };
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("No ImageIO reader for " + format + " is on the classpath");
        }
        return readers.next();
    }
}
