package org.openworldchat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.app.Main;

/**
 * A server node in its own JVM, started exactly as {@code java -jar} would start it, so a test
 * can kill it without warning ({@code kill -9}) and see what the other nodes make of it.
 */
public final class NodeProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private NodeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Every client of the fault tests comes from 127.0.0.1, and most of them send in bursts: the
     * per-guest and per-address limits are raised out of their way, as {@code TestApp} does.
     */
    private static final Map<String, String> RAISED_LIMITS = Map.ofEntries(
            Map.entry("RATE_LIMIT_MESSAGES", "100000/1s"),
            Map.entry("RATE_LIMIT_REACTIONS", "100000/1s"),
            Map.entry("RATE_LIMIT_ADDRESS_NEW_GUESTS", "100000/1s"),
            Map.entry("RATE_LIMIT_ADDRESS_MESSAGES", "100000/1s"),
            Map.entry("RATE_LIMIT_ADDRESS_REACTIONS", "100000/1s"),
            Map.entry("RATE_LIMIT_ADDRESS_USERNAME_CHANGES", "100000/1s"),
            Map.entry("RATE_LIMIT_ADDRESS_UPLOADS", "100000/1s"),
            Map.entry("MAX_SOCKETS_PER_IP", "100000"),
            Map.entry("MAX_CONNECTIONS_PER_IP", "100000"));

    /** A node with the limits raised for bursts from one address ({@link #RAISED_LIMITS}), then {@code env}. */
    public static NodeProcess start(DatabaseUrl database, Map<String, String> env) {
        Map<String, String> vars = new HashMap<>(RAISED_LIMITS);
        vars.putAll(env);
        return startWithDefaultLimits(database, vars);
    }

    /** A node with every limit at its default, as a deployment runs it, but for {@code env}. */
    public static NodeProcess startWithDefaultLimits(DatabaseUrl database, Map<String, String> env) {
        try {
            int port = freePort();
            Path dir = Files.createTempDirectory("owc-node");
            Map<String, String> vars = new HashMap<>();
            vars.put("PORT", String.valueOf(port));
            vars.put("DATA_DIR", dir.resolve("data").toString());
            vars.put("SESSION_SECRET", TestApp.SESSION_SECRET);
            vars.put("DATABASE_URL", jdbcUrl(database));
            vars.putAll(env);
            // The flag is what the jar's manifest says (Enable-Native-Access).
            List<String> command = List.of(java(), "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName());
            // Never leave a node behind, even when the test JVM itself is stopped.
            return launch(command, dir, port, vars, Process::destroyForcibly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The built jar ({@code target/open-world-chat.jar}) as a newcomer runs it: {@code java -jar} in
     * {@code workDir}, whose {@code ./data} holds its embedded PostgreSQL (no {@code DATABASE_URL}), its
     * session secret and its uploads; the limits raised as in {@link #start}, then {@code env}.
     */
    public static NodeProcess startJar(Path workDir, int port, Map<String, String> env) {
        Path jar = Path.of("target", "open-world-chat.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: it is built by mvn package");
        }
        Map<String, String> vars = new HashMap<>(RAISED_LIMITS);
        vars.putAll(env);
        vars.put("PORT", String.valueOf(port));
        // A test JVM that is stopped stops the node gracefully, and so its embedded PostgreSQL.
        return launch(List.of(java(), "-Xmx256m", "-jar", jar.toString()), workDir, port, vars, Process::destroy);
    }

    private static NodeProcess launch(List<String> command, Path dir, int port, Map<String, String> vars,
                                      java.util.function.Consumer<Process> atTestExit) {
        try {
            Path log = Files.createTempFile(dir, "node-", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.equals("REDIS_URL") || k.equals("DATABASE_URL")
                    || k.equals("DATA_DIR") || k.equals("SESSION_SECRET"));
            pb.environment().putAll(vars);
            Process process = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> atTestExit.accept(process)));
            NodeProcess node = new NodeProcess(process, port, log);
            node.awaitHealthy();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code kill -9}: no shutdown hook, no goodbye to Redis. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The process's resident memory (heap, direct buffers and all), from /proc. */
    public long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public Http http() {
        return new Http(baseUrl());
    }

    /** Open file descriptors of the process (sockets, files, pipes), from /proc. */
    public long openFileDescriptors() {
        try (var fds = Files.list(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Runs a full garbage collection in the process ({@code jcmd <pid> GC.run}), so that the heap
     * read afterwards is what is really held, not garbage waiting for the collector.
     */
    public void collectGarbage() {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process gc = new ProcessBuilder(jcmd, String.valueOf(process.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!gc.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                gc.destroyForcibly();
                throw new IllegalStateException("jcmd GC.run did not finish within 30 s");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The size of what the process has logged so far, in bytes. */
    public long logBytes() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return -1;
        }
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    public int terminate(Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the node did not stop within " + within + ": " + log());
        }
        return process.exitValue();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited: " + log());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        kill();
        throw new IllegalStateException("node not ready within 60 s: " + log());
    }

    private static String jdbcUrl(DatabaseUrl url) {
        String jdbc = url.jdbcUrl();
        if (url.user() != null && !jdbc.contains("user=")) {
            jdbc += (jdbc.contains("?") ? "&" : "?") + "user=" + url.user();
        }
        if (url.password() != null && !jdbc.contains("password=")) {
            jdbc += "&password=" + url.password();
        }
        return jdbc;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }
}
