package org.openworldchat.support;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need an outside service (PostgreSQL server, Redis, Node.js, Chromium) skip with a
 * message on a machine that lacks it, and fail instead when {@code OWC_REQUIRE_SERVICES=true}
 * (set by CI), so that a missing service can never turn a CI run green.
 */
public final class RequiredServices {

    private RequiredServices() {
    }

    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("OWC_REQUIRE_SERVICES"));
    }

    public static void assume(boolean available, String what) {
        if (!available && required()) {
            throw new AssertionError(what + " is not available, and OWC_REQUIRE_SERVICES=true");
        }
        Assumptions.assumeTrue(available, what + " is not available; skipping (set it up to run this test)");
    }
}
