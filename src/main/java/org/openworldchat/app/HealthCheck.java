package org.openworldchat.app;

import java.util.function.BooleanSupplier;
import org.openworldchat.http.HealthEndpoints;

/** A named readiness probe for {@code /ready}. */
record HealthCheck(String name, BooleanSupplier probe) implements HealthEndpoints.Check {

    @Override
    public boolean ok() {
        return probe.getAsBoolean();
    }
}
