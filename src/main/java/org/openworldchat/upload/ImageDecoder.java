package org.openworldchat.upload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.openworldchat.contract.ChatException;

/**
 * A full decode whose only purpose is to prove the file is a readable image; the pixels are
 * thrown away. The JDK reads JPEG and PNG; TwelveMonkeys registers the WebP reader.
 */
final class ImageDecoder {

    private ImageDecoder() {
    }

    static void decodeFully(ImageType type, byte[] data) {
        ImageReader reader = reader(type);
        // The JPEG reader reports a cut-off or damaged scan as a warning and fills in grey.
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        // In memory, never ImageIO's temporary-file cache.
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(input, false, true);
            // The reader's own idea of the size, checked again before it allocates a raster.
            new ImageSize(reader.getWidth(0), reader.getHeight(0)).checked();
            reader.read(0);
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
