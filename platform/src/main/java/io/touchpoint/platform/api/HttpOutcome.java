package io.touchpoint.platform.api;

/**
 * The {@code outcome} tag Micrometer's HTTP server binder gives a status: routes that answer their hot
 * path themselves (and leave the binder out of it) record {@code http.server.requests} with the same tags.
 */
public final class HttpOutcome {

    private HttpOutcome() {
    }

    public static String of(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            default -> "SERVER_ERROR";
        };
    }
}
