package io.touchpoint.gateway.tracking.domain;

import java.util.List;

import io.touchpoint.contracts.Problem;

/**
 * What became of the messages of one call. Valid messages are published even when others in the
 * same batch are not: an SDK does not retry a 400, so refusing the whole batch would lose the good
 * ones. The caller learns exactly which were accepted and why the others were not.
 *
 * @param acceptedMessageIds published now or earlier (a duplicate counts as accepted), in request order
 * @param rejected           how many messages were refused
 * @param errors             why, one or more per refused message
 * @param batch              whether the call was /v1/batch or /v1/import
 */
public record IngestionResult(List<String> acceptedMessageIds, int rejected, List<Problem.Violation> errors,
        boolean batch) {

    public boolean allAccepted() {
        return rejected == 0;
    }
}
