package io.touchpoint.platform.api;

/** The request is valid but the current state forbids it; answered 409. */
public class ConflictException extends RuntimeException {

    public ConflictException(String detail) {
        super(detail, null, false, false);
    }
}
