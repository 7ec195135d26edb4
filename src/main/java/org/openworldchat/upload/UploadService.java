package org.openworldchat.upload;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.contract.ServiceUnavailableException;
import org.openworldchat.ratelimit.AddressKey;
import org.openworldchat.ratelimit.RateLimits;
import org.openworldchat.message.ImageOwnership;
import org.openworldchat.message.MessageExpiry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image uploads: checks and cleans the file, stores it under a random key, remembers who got it,
 * and answers whether a URL in a message is one this guest was issued.
 */
public final class UploadService implements ImageOwnership, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    public static final int MAX_BYTES = 5 * 1024 * 1024;
    /** The path under which images are served; the URL a client gets is the base URL plus this plus the key. */
    public static final String PATH_PREFIX = "/uploads/";
    /**
     * How long an image no message shows is kept (and served, so its uploader can preview it)
     * after its upload: the uploader is about to send it. The retention job deletes it after that.
     */
    public static final Duration UNSENT_IMAGE_LIFETIME = Duration.ofHours(1);

    /** What the client is told about its stored image. */
    public record Uploaded(String imageUrl, String contentType, int size, int width, int height) {
    }

    private final UploadRepository repository;
    private final RateLimits limits;
    private final ObjectStorage storage;
    private final ImageSanitizer sanitizer = new ImageSanitizer();
    private final Clock clock;
    private final MessageExpiry expiry;
    private final String urlPrefix;
    private final SecureRandom random = new SecureRandom();

    /** @param publicBaseUrl the server's own origin for absolute image URLs, or empty for root-relative ones */
    public UploadService(Jdbi jdbi, ObjectStorage storage, Clock clock, MessageExpiry expiry,
                         Optional<String> publicBaseUrl, RateLimits limits) {
        this.expiry = expiry;
        this.repository = new UploadRepository(jdbi);
        this.limits = limits;
        this.storage = storage;
        this.clock = clock;
        this.urlPrefix = publicBaseUrl.orElse("") + PATH_PREFIX;
    }

    /**
     * An upload refused before it got here (a malformed form, a file too large) still counts
     * toward the guest's limit and its address's.
     */
    public void countRefused(UUID guestId, AddressKey address) {
        checkLimits(guestId, address);
    }

    /**
     * An upload refused before its request was read (its body over the bound) counts toward its
     * guest's limit; it stored nothing.
     */
    public void countRefused(UUID guestId) {
        limits.check(RateLimit.UPLOAD, guestId);
    }

    /**
     * Stores a cleaned copy of the image. Every attempt counts toward the guest's and the
     * address's upload limits; the bytes stored count toward the address's daily bytes, taken
     * only when the image is stored. The address also has its turn at the image decoder.
     */
    public Uploaded upload(UUID guestId, AddressKey address, byte[] file) {
        checkLimits(guestId, address);
        ImageSanitizer.Sanitized image = sanitizer.sanitize(file, address);
        RateLimits.Taken bytes = limits.take(RateLimit.ADDRESS_UPLOAD_BYTES, address, image.data().length);
        String key = newKey(image.type());
        try {
            storage.put(key, image.data(), image.type().contentType());
        } catch (IOException e) {
            bytes.giveBack(); // nothing was stored
            throw new ServiceUnavailableException("the image could not be stored", e);
        } catch (RuntimeException e) {
            bytes.giveBack();
            throw e;
        }
        String url = urlPrefix + key;
        repository.insert(key, url, guestId, image.type(), image.data().length, image.width(), image.height(), clock.instant());
        log.atInfo().addKeyValue("guestId", guestId).addKeyValue("key", key)
                .addKeyValue("bytes", image.data().length).log("image uploaded");
        return new Uploaded(url, image.type().contentType(), image.data().length, image.width(), image.height());
    }

    /** The guest's own limit first: an attempt it refuses does not count toward the address. */
    private void checkLimits(UUID guestId, AddressKey address) {
        limits.check(RateLimit.UPLOAD, guestId);
        limits.check(RateLimit.ADDRESS_UPLOAD, address);
    }

    /**
     * Whether the image under a key taken from a URL path may be served now: one an unexpired
     * message shows, or one not sent yet within {@link #UNSENT_IMAGE_LIFETIME} of its upload.
     */
    public boolean isServable(String key) {
        return LocalDiskObjectStorage.KEY.matcher(key).matches()
                && repository.isServable(key, expiry.cutoff(), clock.instant().minus(UNSENT_IMAGE_LIFETIME));
    }

    /** The stored image for a key taken from a URL path, for serving once {@link #isServable} said so. */
    public Optional<ObjectStorage.StoredObject> read(String key) {
        if (!LocalDiskObjectStorage.KEY.matcher(key).matches()) {
            return Optional.empty();
        }
        try {
            return storage.get(key);
        } catch (IOException e) {
            throw new ServiceUnavailableException("the image store did not answer", e);
        }
    }

    @Override
    public boolean isIssuedTo(String imageUrl, UUID guestId) {
        return keyOf(imageUrl).map(key -> repository.isOwnedBy(key, guestId)).orElse(false);
    }

    @Override
    public void attached(String imageUrl, UUID messageId) {
        keyOf(imageUrl).ifPresent(key -> repository.attach(key, messageId));
    }

    public boolean storageAnswers() {
        return storage.ping();
    }

    /** Stops the image decoder's threads once the uploads in hand are done. */
    @Override
    public void close() {
        sanitizer.close();
    }

    private Optional<String> keyOf(String imageUrl) {
        if (imageUrl == null || !imageUrl.startsWith(urlPrefix)) {
            return Optional.empty();
        }
        String key = imageUrl.substring(urlPrefix.length());
        return LocalDiskObjectStorage.KEY.matcher(key).matches() ? Optional.of(key) : Optional.empty();
    }

    private String newKey(ImageType type) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "." + type.extension();
    }
}
