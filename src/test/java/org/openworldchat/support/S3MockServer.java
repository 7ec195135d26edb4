package org.openworldchat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real S3-compatible HTTP server for tests: Adobe S3Mock (from Maven Central, copied to
 * {@code target/test-tools} by the build), run as its own process so that its Spring Boot
 * classpath never mixes with ours. One per test JVM, started on first use.
 */
public final class S3MockServer {

    public static final String BUCKET = "owc-test";
    private static S3MockServer instance;

    private final Process process;
    private final int port;

    private S3MockServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static synchronized S3MockServer get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance.process::destroy));
        }
        return instance;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Configuration variables that point the server at this store. */
    public Map<String, String> env() {
        return Map.of("AWS_S3_BUCKET_NAME", BUCKET, "AWS_S3_ENDPOINT", endpoint(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test");
    }

    private static S3MockServer start() {
        Path jar = Path.of("target", "test-tools", "s3mock.jar");
        RequiredServices.assume(Files.exists(jar), "S3Mock (" + jar + ", copied by mvn process-test-resources)");
        try {
            int httpPort = freePort();
            int httpsPort = freePort();
            Path root = Files.createTempDirectory("s3mock");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString(),
                    "--server.port=" + httpsPort,
                    "--com.adobe.testing.s3mock.httpPort=" + httpPort,
                    "--com.adobe.testing.s3mock.store.initialBuckets=" + BUCKET,
                    "--com.adobe.testing.s3mock.store.root=" + root,
                    "--logging.level.root=WARN",
                    "--spring.main.banner-mode=off"))
                    .redirectErrorStream(true)
                    .redirectOutput(root.resolve("s3mock.log").toFile())
                    .start();
            awaitBucket(p, httpPort, root.resolve("s3mock.log"));
            return new S3MockServer(p, httpPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitBucket(Process p, int port, Path log) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("S3Mock exited: " + Files.readString(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/" + BUCKET).toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("S3Mock did not start within 90 s: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
