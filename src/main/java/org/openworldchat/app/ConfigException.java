package org.openworldchat.app;

/** A configuration value is missing or wrong; the message names the variable and the problem in one line. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem, null, false, false);
    }
}
