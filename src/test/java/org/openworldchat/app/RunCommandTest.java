package org.openworldchat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openworldchat.support.RequiredServices;
import org.openworldchat.support.TestDatabases;

/**
 * The README's run command, {@code ./run}, on a machine whose default {@code java} is older than
 * 21 (Debian 12's is 17): it finds a JDK 21 or newer, builds the jar with it when needed and
 * starts the server with the same JDK, or says in one line what to install.
 */
class RunCommandTest {

    /** Debian's Java 17 ({@code openjdk-17-jre-headless}): the {@code java} first on the PATH here. */
    private static final Path OLD_JAVA_HOME = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    private static final Path THIS_JDK = Path.of(System.getProperty("java.home"));

    /** The copies of the repository, with their jar, and the servers' working folders: removed after each test. */
    @TempDir
    Path scratch;

    @BeforeAll
    static void anOlderJavaIsInstalled() throws Exception {
        Path java = OLD_JAVA_HOME.resolve("bin/java");
        boolean older = Files.isExecutable(java) && majorVersion(java) < 21;
        RequiredServices.assume(older, "Debian's Java 17 at " + OLD_JAVA_HOME + " (apt-get install openjdk-17-jre-headless)");
    }

    /**
     * A fresh clone with no jar, no JAVA_HOME and Java 17 first on the PATH: the JDK 21+ is found
     * among the installed ones, builds the jar and runs it. Then the case the run command failed
     * in: JAVA_HOME at a JDK 21+, Java 17 on the PATH; the jar is up to date and just starts.
     */
    @Test
    void buildsAndStartsTheServerWithAJdk21FoundBesideAnOlderDefaultJava() throws Exception {
        RequiredServices.assume(onPath("mvn"), "Maven (mvn on the PATH)");
        Path clone = freshClone();
        DatabaseUrl db = TestDatabases.create();
        try {
            Map<String, String> installed = Map.of("JDK_DIRS", THIS_JDK.getParent().toString());
            String built = startAndStop(clone, installed, db);
            assertThat(built).contains("building target/open-world-chat.jar with " + THIS_JDK);
            assertThat(clone.resolve("target/open-world-chat.jar")).exists();

            Map<String, String> javaHome = Map.of("JAVA_HOME", THIS_JDK.toString(), "JDK_DIRS", "/nonexistent");
            String started = startAndStop(clone, javaHome, db);
            assertThat(started).as("the jar is up to date").doesNotContain("building");
        } finally {
            TestDatabases.drop(db);
        }
    }

    @Test
    void saysInOneLineWhatToInstallWhenNoJdk21IsFound() throws Exception {
        Path clone = freshClone();
        Path jdks = Files.createDirectory(scratch.resolve("jdks"));
        Files.createSymbolicLink(jdks.resolve("java-17"), OLD_JAVA_HOME);
        Path out = Files.createTempDirectory(scratch, "run").resolve("run.out");
        Process p = run(clone, Map.of("JDK_DIRS", jdks.toString()), out);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stops at once").isTrue();
        String output = Files.readString(out);
        assertThat(p.exitValue()).as(output).isNotZero();
        assertThat(output.lines().toList()).containsExactly("open-world-chat: needs a JDK 21 or newer and found only "
                + "Java 17: install one (e.g. apt-get install openjdk-21-jdk-headless, brew install openjdk@21, "
                + "or Temurin 21 from adoptium.net) or point JAVA_HOME at one");
    }

    /** Starts {@code ./run}, waits until the server is ready, stops it with SIGTERM; returns all it printed. */
    private String startAndStop(Path clone, Map<String, String> env, DatabaseUrl db) throws Exception {
        int port = freePort();
        Path workDir = Files.createTempDirectory(scratch, "run");
        Map<String, String> vars = new HashMap<>(env);
        vars.put("PORT", String.valueOf(port));
        vars.put("DATABASE_URL", urlOf(db));
        Path out = workDir.resolve("run.out");
        Process p = run(clone, vars, out);
        try {
            awaitReady(p, port, out);
        } finally {
            // SIGTERM to the process started: the script has become the server (exec), so it stops it.
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped by SIGTERM").isTrue();
        }
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            throw new AssertionError("the server still listens after its process ended: " + Files.readString(out));
        } catch (IOException closed) {
            // nothing left behind
        }
        return Files.readString(out);
    }

    /** Starts {@code ./run} in the folder of {@code out}, which gets all it prints. */
    private static Process run(Path clone, Map<String, String> env, Path out) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(clone.resolve("run").toString()).directory(out.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> List.of("JAVA_HOME", "DATABASE_URL", "REDIS_URL", "PORT").contains(k));
        pb.environment().put("PATH", OLD_JAVA_HOME.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void awaitReady(Process p, int port, Path out) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        // A first build compiles and packs the whole server.
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new AssertionError("./run ended with " + p.exitValue() + ": " + Files.readString(out));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // building or starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not ready within 4 minutes: " + Files.readString(out));
    }

    /** What a clone of the repository holds for a build: the script, Maven's files and the sources; no target. */
    private Path freshClone() throws IOException {
        Path clone = Files.createDirectory(scratch.resolve("clone"));
        for (String path : List.of("run", "pom.xml", ".mvn", "src/main")) {
            Path from = Path.of(path);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path to = clone.resolve(f.toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        return clone;
    }

    private static int majorVersion(Path java) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        p.waitFor();
        String version = first.replaceFirst("^[^\"]*\"", "").replaceFirst("[^0-9].*$", "");
        return version.isEmpty() ? 0 : Integer.parseInt(version);
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private static String urlOf(DatabaseUrl db) {
        return "postgresql://" + db.user() + (db.password() == null ? "" : ":" + db.password()) + "@"
                + db.jdbcUrl().substring("jdbc:postgresql://".length());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
