package org.openworldchat.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openworldchat.app.AppConfig;
import org.openworldchat.support.S3MockServer;

/** Both stores keep the same promises: against a temp dir and against a real S3-compatible server. */
class ObjectStorageTest {

    static Stream<ObjectStorage> stores() throws IOException {
        S3MockServer s3 = S3MockServer.get();
        return Stream.of(
                new LocalDiskObjectStorage(Files.createTempDirectory("owc-store")),
                new S3ObjectStorage(new AppConfig.S3Settings(S3MockServer.BUCKET, Optional.of("us-east-1"),
                        Optional.of(s3.endpoint()), Optional.of("test"), Optional.of("test"))));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void putGetDelete(ObjectStorage store) throws IOException {
        String key = "AbCdEfGhIjKlMnOpQrStUv.png";
        byte[] data = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        assertThat(store.ping()).isTrue();
        assertThat(store.get(key)).isEmpty();
        store.put(key, data, "image/png");
        ObjectStorage.StoredObject back = store.get(key).orElseThrow();
        assertThat(back.data()).isEqualTo(data);
        assertThat(back.contentType()).isEqualTo("image/png");
        store.delete(key);
        assertThat(store.get(key)).isEmpty();
        store.delete(key);
    }

    @Test
    void theDiskStoreOnlyTakesItsOwnKeys() throws IOException {
        Path dir = Files.createTempDirectory("owc-store");
        LocalDiskObjectStorage store = new LocalDiskObjectStorage(dir.resolve("uploads"));
        for (String bad : new String[]{"../escape.png", "/etc/passwd", "a.png", "AbCdEfGhIjKlMnOpQrStUv.svg", "x/../../y.jpg"}) {
            assertThatThrownBy(() -> store.put(bad, new byte[]{1}, "image/png")).isInstanceOf(IOException.class);
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("uploads"));
        }
    }
}
