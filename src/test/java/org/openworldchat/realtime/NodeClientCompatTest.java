package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.RequiredServices;
import org.openworldchat.support.TestApp;

/**
 * The contract promises the protocol "as spoken by the official socket.io-client v4"; the Java
 * client the other tests use is a different implementation, so this test runs the real Node.js
 * package (src/test/node/compat.mjs) against the real server over websocket, polling and upgrade.
 */
class NodeClientCompatTest {

    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final Path WORK_DIR = Path.of("target", "node-compat");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "compat.mjs");

    @Test
    void officialNodeClientSpeaksWithTheServer() throws Exception {
        RequiredServices.assume(runs("node", "--version") && runs("npm", "--version"), "Node.js and npm");
        installClient();

        try (TestApp app = TestApp.start()) {
            Result result = run(90, "node", "compat.mjs", app.baseUrl());
            assertThat(result.exitCode()).as("compat.mjs exit code\n%s", result).isZero();
            assertThat(result.stdout()).as("compat.mjs output\n%s", result).contains("OK");
        }
    }

    /** Copies the script and its manifests; installs from the lockfile only when needed, as it is slow. */
    private static void installClient() throws Exception {
        Files.createDirectories(WORK_DIR);
        // A changed lockfile means a different client version: the old node_modules would test the wrong one.
        boolean lockChanged = !sameContent(SOURCES.resolve("package-lock.json"), WORK_DIR.resolve("package-lock.json"));
        for (String file : FILES) {
            Files.copy(SOURCES.resolve(file), WORK_DIR.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (lockChanged || !Files.isDirectory(WORK_DIR.resolve(Path.of("node_modules", "socket.io-client")))) {
            Result install = run(300, "npm", "ci", "--no-audit", "--no-fund");
            assertThat(install.exitCode()).as("npm ci failed\n%s", install).isZero();
        }
    }

    private static boolean sameContent(Path a, Path b) throws IOException {
        return Files.exists(b) && Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit code: " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs in the work directory; output goes to files so a chatty process can never block on a full pipe. */
    private static Result run(long timeoutSeconds, String... command) throws Exception {
        String name = command[0] + "-" + command[1].replaceAll("[^A-Za-z0-9]", "_");
        Path out = WORK_DIR.resolve(name + ".out");
        Path err = WORK_DIR.resolve(name + ".err");
        Process p = new ProcessBuilder(command).directory(WORK_DIR.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int exitCode;
        if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            exitCode = p.exitValue();
        } else {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            exitCode = -1;
            Files.writeString(err, "\n(killed after " + timeoutSeconds + " s)", StandardOpenOption.APPEND);
        }
        return new Result(exitCode, Files.readString(out), Files.readString(err));
    }
}
