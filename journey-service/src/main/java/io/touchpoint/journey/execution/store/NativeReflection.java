package io.touchpoint.journey.execution.store;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.journey.execution.domain.ApiEntries;

/** Types this service reads from stored JSON itself (not through a REST signature), kept for the native image. */
@RegisterForReflection(targets = { ConsentState[].class, ApiEntries.Answer.class, ApiEntries.Outcome.class })
final class NativeReflection {
    private NativeReflection() {
    }
}
