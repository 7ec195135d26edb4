package org.openworldchat.contract;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place that decides which contract code a failure becomes. Refusals keep their code;
 * an unreachable or overloaded database becomes {@code SERVICE_UNAVAILABLE}; anything else is a
 * bug and becomes {@code INTERNAL_ERROR} (with its stack logged by the caller).
 */
public final class ErrorMapper {

    private ErrorMapper() {
    }

    public record ErrorBody(ErrorCode code, String message, Map<String, Object> details, boolean unexpected) {
    }

    public static ErrorBody describe(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ChatException chat) {
            return new ErrorBody(chat.code(), chat.getMessage(), chat.details(), false);
        }
        if (isUnavailable(t)) {
            ErrorCode code = ErrorCode.SERVICE_UNAVAILABLE;
            return new ErrorBody(code, code.defaultMessage(), Map.of(), false);
        }
        ErrorCode code = ErrorCode.INTERNAL_ERROR;
        return new ErrorBody(code, code.defaultMessage(), Map.of(), true);
    }

    /** The first line of the innermost cause's message (its class name if it has none), for one-line reports. */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /** The failure itself, out of the CompletionException or ExecutionException wrappers futures add. */
    public static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** Connection failures, pool timeouts, statement timeouts and server shutdowns. */
    private static boolean isUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException || c instanceof SQLTransientException
                    || c instanceof java.net.ConnectException) {
                return true;
            }
            if (c instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                        || state.equals("40001") || state.equals("40P01")) {
                    return true;
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
