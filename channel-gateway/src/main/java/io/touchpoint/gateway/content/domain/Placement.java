package io.touchpoint.gateway.content.domain;

import java.util.List;

import io.touchpoint.conditions.Condition;

/**
 * A published placement ready to decide: its variants in the order they are tried (highest priority
 * first), each rule parsed and each content prepared for rendering. Immutable, shared by every
 * request; replaced whole when a new version is published.
 *
 * @param revision changes with every publication (and a placement deleted and made again), so copies can tell they are stale
 */
public record Placement(String key, int version, long revision, String contentType, List<CompiledVariant> variants) {

    /** One variant: its rule (null holds for everyone) and its content. */
    public record CompiledVariant(String key, int priority, Condition rule, VariantContent content) {
    }
}
