package io.touchpoint.analytics.report.api;

import java.math.BigDecimal;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A rate with what it divides; {@code value} is null when the denominator is zero. */
@RegisterForReflection
@Schema(name = "Rate")
public record Rate(Double value, @Schema(implementation = Number.class) Number numerator,
        @Schema(implementation = Number.class) Number denominator) {

    public static Rate of(long numerator, long denominator) {
        return new Rate(denominator == 0 ? null : (double) numerator / denominator, numerator, denominator);
    }

    public static Rate of(BigDecimal numerator, long denominator) {
        return new Rate(denominator == 0 ? null : numerator.doubleValue() / denominator, numerator, denominator);
    }
}
