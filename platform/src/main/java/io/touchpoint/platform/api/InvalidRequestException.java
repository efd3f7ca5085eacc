package io.touchpoint.platform.api;

import java.util.List;

import io.touchpoint.contracts.Problem;

/** A request that breaks the API's rules; answered 400 with one violation per bad field. */
public class InvalidRequestException extends RuntimeException {

    private final List<Problem.Violation> violations;

    public InvalidRequestException(String detail, List<Problem.Violation> violations) {
        super(detail, null, false, false);
        this.violations = List.copyOf(violations);
    }

    public static InvalidRequestException field(String field, String message) {
        return new InvalidRequestException("The request is not valid.", List.of(new Problem.Violation(field, message)));
    }

    public List<Problem.Violation> violations() {
        return violations;
    }
}
