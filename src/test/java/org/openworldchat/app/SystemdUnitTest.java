package org.openworldchat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openworldchat.support.RequiredServices;

/**
 * deploy/open-world-chat.service, the unit docs/DEPLOYMENT.md installs, checked by systemd's own
 * tools (Debian's package systemd; .ci/run installs it): {@code systemd-analyze verify} must have
 * nothing to say about it, {@code systemd-analyze security} must find its sandboxing in place, and
 * the JDK must accept its JVM options. Each check is also run on broken copies, which it must
 * reject. Left to its defaults verify exits 0 for a misspelt key or a value it cannot parse (it
 * warns and ignores the line, as systemd itself would): the test runs it with
 * {@code --recursive-errors=no}, which turns the unit's warnings into a failed exit, and also
 * counts every line that names the unit.
 *
 * <p>The one part of the file that belongs to the machine is the JDK's path: the copy checked here
 * points it at the JDK running the test, since verify refuses a unit whose command does not exist.
 * Nothing is started under systemd: the machine need not run it.
 */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("deploy", "open-world-chat.service");
    private static final String UNIT_NAME = "open-world-chat.service";
    /** Where docs/DEPLOYMENT.md puts the JDK (a symlink to a JDK 21 or newer). */
    private static final String JDK_IN_UNIT = "/opt/open-world-chat/jdk";
    /** systemd-analyze security rates exposure from 0 (locked down) to 10; the unit scores 1.7. */
    private static final double MOST_EXPOSURE = 2.0;

    static Path systemdAnalyze;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTool() {
        Optional<Path> tool = find("systemd-analyze");
        RequiredServices.assume(tool.isPresent(), "systemd-analyze (Debian's package systemd; .ci/run installs it)");
        systemdAnalyze = tool.get();
    }

    @Test
    void verifyHasNothingToSayAboutTheUnit() throws Exception {
        Result verify = verify(operatorsCopy(shipped()));
        assertThat(verify.problems()).as("systemd-analyze verify on %s\n%s", UNIT, verify.output()).isEmpty();
    }

    /** Each row breaks one line of the unit; verify must report it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a misspelt key              | Restart=on-failure     | Restat=on-failure
            a value systemd cannot read | Restart=on-failure     | Restart=sometimes
            a time that is no time      | TimeoutStopSec=30s     | TimeoutStopSec=thirty
            an unknown address family   | AF_INET AF_INET6       | AF_INET AF_INTE6
            a command that is not there | /bin/java              | /bin/jaava
            """)
    void verifyReportsABrokenUnit(String what, String line, String broken) throws Exception {
        String unit = operatorsCopy(shipped());
        assertThat(unit).as("the unit has the line this case breaks").contains(line);
        Result verify = verify(unit.replace(line, broken));
        assertThat(verify.problems()).as("verify on a unit with %s\n%s", what, verify.output()).isNotEmpty();
    }

    @Test
    void theSandboxingIsInPlace() throws Exception {
        double exposure = exposure(operatorsCopy(shipped()));
        assertThat(exposure).as("systemd-analyze security exposure of %s", UNIT).isLessThanOrEqualTo(MOST_EXPOSURE);
    }

    @Test
    void aUnitWithoutItsSandboxingIsExposed() throws Exception {
        String unit = operatorsCopy(shipped());
        int from = unit.indexOf("NoNewPrivileges=");
        int to = unit.indexOf("# Left out on purpose");
        assertThat(from).as("the sandboxing block").isPositive().isLessThan(to);
        double exposure = exposure(unit.substring(0, from) + unit.substring(to));
        assertThat(exposure).as("exposure without the sandboxing").isGreaterThan(MOST_EXPOSURE);
    }

    /** The JVM options of ExecStart, with -version in place of the jar: a JDK 21+ must take them. */
    @Test
    void theJdkAcceptsTheJvmOptions() throws Exception {
        List<String> command = jvmCommand(operatorsCopy(shipped()));
        Result run = run(command);
        assertThat(run.exitCode()).as("%s\n%s", String.join(" ", command), run.output()).isZero();
    }

    @Test
    void aMistypedJvmOptionIsCaught() throws Exception {
        String unit = operatorsCopy(shipped());
        assertThat(unit).contains("-XX:+UseParallelGC");
        Result run = run(jvmCommand(unit.replace("-XX:+UseParallelGC", "-XX:+UseParalelGC")));
        assertThat(run.exitCode()).as("a JVM with a mistyped option\n%s", run.output()).isNotZero();
    }

    // --- the unit --------------------------------------------------------------------------------

    private static String shipped() throws IOException {
        return Files.readString(UNIT, StandardCharsets.UTF_8);
    }

    /** The unit with the JDK's path set to this machine's, as an operator's symlink would make it. */
    private static String operatorsCopy(String unit) {
        assertThat(unit).as("%s runs the JDK at %s", UNIT, JDK_IN_UNIT).contains(JDK_IN_UNIT + "/bin/java ");
        return unit.replace(JDK_IN_UNIT, System.getProperty("java.home"));
    }

    /** ExecStart as words, continuation lines joined, with -version in place of "-jar <file>". */
    private static List<String> jvmCommand(String unit) {
        Matcher exec = Pattern.compile("(?m)^ExecStart=((?:.*\\\\\\n)*.*)$").matcher(unit);
        assertThat(exec.find()).as("ExecStart in the unit").isTrue();
        List<String> words = new ArrayList<>(List.of(exec.group(1).replace("\\\n", " ").trim().split("\\s+")));
        int jar = words.indexOf("-jar");
        assertThat(jar).as("ExecStart runs a jar").isPositive().isEqualTo(words.size() - 2);
        words.subList(jar, words.size()).clear();
        words.add("-version");
        return words;
    }

    // --- systemd-analyze ----------------------------------------------------------------------------

    /**
     * verify on the unit alone: with --recursive-errors=no its exit code counts the unit's own
     * warnings and not those of the machine's units it names (network-online.target).
     */
    private Result verify(String unit) throws Exception {
        return run(List.of(systemdAnalyze.toString(), "verify", "--man=no", "--recursive-errors=no",
                write(unit).toString()));
    }

    private double exposure(String unit) throws Exception {
        Result result = run(List.of(systemdAnalyze.toString(), "security", "--offline=true", write(unit).toString()));
        Matcher level = Pattern.compile("Overall exposure level for " + Pattern.quote(UNIT_NAME) + ": ([0-9.]+)")
                .matcher(result.output());
        assertThat(level.find()).as("systemd-analyze security\n%s", result.output()).isTrue();
        return Double.parseDouble(level.group(1));
    }

    /** Each copy in a directory of its own, under the unit's own name. */
    private Path write(String unit) throws IOException {
        Path file = Files.createTempDirectory(dir, "unit").resolve(UNIT_NAME);
        Files.writeString(file, unit, StandardCharsets.UTF_8);
        return file;
    }

    private Result run(List<String> command) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private record Result(int exitCode, String output) {
        /** What verify said about the unit (each line names it), and its exit code unless 0. */
        List<String> problems() {
            List<String> problems = new ArrayList<>(output.lines().filter(l -> l.contains(UNIT_NAME)).toList());
            if (exitCode != 0) {
                problems.add("exit code " + exitCode);
            }
            return problems;
        }
    }

    private static Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/bin", "/bin"));
        return dirs.stream().filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
