package org.openworldchat.upload;

/**
 * Pixel dimensions as a file's header claims them. They are checked before anything is decoded:
 * the raster a decoder allocates grows with width × height, not with the file's size, so a tiny
 * file can otherwise ask for gigabytes.
 */
record ImageSize(long width, long height) {

    static final long MAX_PIXELS = 25_000_000;
    static final long MAX_SIDE = 16_384;

    /** This size, or INVALID_IMAGE when decoding it would cost too much memory or it is empty. */
    ImageSize checked() {
        if (width <= 0 || height <= 0) {
            throw ImageErrors.invalid("The image has no pixels");
        }
        if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
            throw ImageErrors.invalid("The image has too many pixels (at most 25 megapixels, 16384 per side)");
        }
        return this;
    }

    ImageSize swapped() {
        return new ImageSize(height, width);
    }
}
