package org.openworldchat.upload;

import java.io.IOException;
import java.util.Optional;

/**
 * Where image bytes live: an S3 bucket ({@link S3ObjectStorage}) or a directory on local disk
 * ({@link LocalDiskObjectStorage}). Keys are opaque, random and unguessable (e.g.
 * {@code 3q2-7wEjRkqzM1Hf8bVZ5g.jpg}); the storage never interprets them beyond using them as a
 * name.
 */
public interface ObjectStorage {

    /** An object as stored: its bytes and the content type it was stored with. */
    record StoredObject(byte[] data, String contentType) {
    }

    void put(String key, byte[] data, String contentType) throws IOException;

    /** The object, or empty when no object has that key. */
    Optional<StoredObject> get(String key) throws IOException;

    /** Removes the object; removing a missing key is not an error. */
    void delete(String key) throws IOException;

    /** A short name for logs and /ready, e.g. {@code s3:bucket} or {@code disk}. */
    String describe();

    /** True when the storage answers (for /ready). */
    boolean ping();
}
