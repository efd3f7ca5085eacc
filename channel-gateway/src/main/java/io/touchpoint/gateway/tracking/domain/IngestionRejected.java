package io.touchpoint.gateway.tracking.domain;

import java.util.List;

import io.touchpoint.contracts.Problem;

/**
 * A whole tracking call refused: nothing of it was published. (A batch with only some bad messages
 * is not refused; see {@link IngestionResult}.)
 */
public class IngestionRejected extends RuntimeException {

    public enum Reason {
        INVALID(400, "Bad Request"),
        UNAUTHENTICATED(401, "Unauthorized"),
        TOO_LARGE(413, "Content Too Large"),
        UNSUPPORTED_ENCODING(415, "Unsupported Media Type"),
        UNAVAILABLE(503, "Service Unavailable");

        private final int status;
        private final String title;

        Reason(int status, String title) {
            this.status = status;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String title() {
            return title;
        }
    }

    private final Reason reason;
    private final transient List<Problem.Violation> errors;

    public IngestionRejected(Reason reason, String detail) {
        this(reason, detail, null, null);
    }

    public IngestionRejected(Reason reason, String detail, List<Problem.Violation> errors, Throwable cause) {
        // Refusals are expected traffic (bad keys, bad payloads); a stack trace each would only cost.
        super(detail, cause, false, false);
        this.reason = reason;
        this.errors = errors;
    }

    public Reason reason() {
        return reason;
    }

    /** Field-level causes, or null. */
    public List<Problem.Violation> errors() {
        return errors;
    }
}
