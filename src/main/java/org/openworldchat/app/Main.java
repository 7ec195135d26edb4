package org.openworldchat.app;

import io.netty.util.ResourceLeakDetector;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the server from the environment (and {@code .env}); stops it gracefully on SIGTERM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // Netty samples buffers for leak reports by default, at a cost on every write of every
        // broadcast. The tests keep it on; a deployment turns it back on with
        // -Dio.netty.leakDetection.level=simple when chasing a leak.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        AppConfig config;
        try {
            config = AppConfig.fromEnvironment(Environment.load());
        } catch (ConfigException e) {
            System.err.println("open-world-chat: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        ChatApplication app;
        try {
            app = ChatApplication.start(config, Clock.systemUTC());
        } catch (ConfigException e) {
            System.err.println("open-world-chat: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (StartupException e) {
            log.debug("startup failed", e);
            System.err.println("open-world-chat: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        } catch (Throwable unexpected) {
            // Threads started before the failure would keep the process up, serving nothing.
            log.error("startup failed", unexpected);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(app::close));
        log.atInfo().addKeyValue("url", "http://localhost:" + app.port()).log("Open World Chat is up");
    }
}
