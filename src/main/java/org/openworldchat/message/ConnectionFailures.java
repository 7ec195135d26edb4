package org.openworldchat.message;

import java.sql.SQLException;

/** Tells a lost database connection (worth one retry on a fresh one) from every other failure. */
final class ConnectionFailures {

    private ConnectionFailures() {
    }

    /** SQLSTATE class 08 (connection exception) or 57P01..57P03 (the server shut down or restarted). */
    static boolean isConnectionLost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
