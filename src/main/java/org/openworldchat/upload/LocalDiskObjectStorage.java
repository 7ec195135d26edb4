package org.openworldchat.upload;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Images in a directory (by default {@code ./data/uploads}), served by the server itself. The
 * content type follows from the key's extension, which the upload service chose from the bytes.
 */
public final class LocalDiskObjectStorage implements ObjectStorage {

    static final String CACHE_CONTROL = "public, max-age=31536000, immutable";
    /** Keys are ours: random URL-safe base64 and a known extension. Anything else never touches the disk. */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{16,64}\\.(jpg|png|webp)");

    private final Path dir;

    public LocalDiskObjectStorage(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir).toAbsolutePath();
    }

    @Override
    public void put(String key, byte[] data, String contentType) throws IOException {
        Path target = resolve(key);
        Path temp = Files.createTempFile(dir, ".upload-", ".tmp");
        try {
            Files.write(temp, data);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public Optional<StoredObject> get(String key) throws IOException {
        try {
            return Optional.of(new StoredObject(Files.readAllBytes(resolve(key)), contentTypeOf(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public String describe() {
        return "disk";
    }

    @Override
    public boolean ping() {
        return Files.isDirectory(dir) && Files.isWritable(dir);
    }

    private Path resolve(String key) throws IOException {
        if (!KEY.matcher(key).matches()) {
            throw new IOException("not an upload key: " + key);
        }
        return dir.resolve(key);
    }

    private static String contentTypeOf(String key) {
        for (ImageType type : ImageType.values()) {
            if (key.endsWith("." + type.extension())) {
                return type.contentType();
            }
        }
        return "application/octet-stream";
    }
}
