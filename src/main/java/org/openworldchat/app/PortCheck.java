package org.openworldchat.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Tries the configured port before anything slow starts (the embedded database takes seconds on a
 * first start), so that a port in use stops the server at once with one line. The server binds it
 * for good later, as this probe does (every address, address reuse on); a port taken in between is
 * still reported in one line by {@link ChatApplication}.
 */
final class PortCheck {

    private PortCheck() {
    }

    static void requireFree(int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new StartupException("PORT: cannot listen on port " + port + ": " + e.getMessage(), e);
        }
    }
}
