package io.touchpoint.gateway.tracking.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.touchpoint.contracts.Problem;

/**
 * The RFC 9457 body of a refused tracking call, extended (as RFC 9457 allows) with what a batch
 * caller needs to know when only some of its messages were refused: how many and which were
 * accepted, and how many were not. The extension members appear only on batch answers.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngestionProblem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        List<Problem.Violation> errors,
        Integer accepted,
        List<String> acceptedMessageIds,
        Integer rejected) {

    static IngestionProblem of(int status, String title, String detail, String instance,
            List<Problem.Violation> errors) {
        return new IngestionProblem("about:blank", title, status, detail, instance, errors, null, null, null);
    }

    IngestionProblem withCounts(List<String> acceptedMessageIds, int rejected) {
        return new IngestionProblem(type, title, status, detail, instance, errors, acceptedMessageIds.size(),
                acceptedMessageIds, rejected);
    }
}
