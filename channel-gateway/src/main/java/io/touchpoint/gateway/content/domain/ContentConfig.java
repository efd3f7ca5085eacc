package io.touchpoint.gateway.content.domain;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "touchpoint.gateway.content")
public interface ContentConfig {

    /**
     * The traits content templates may render ({@code {{ profile.firstName }}}). Anyone holding the
     * write key, which pages carry in the open, can ask for the content of any userId, so a template
     * must not be able to print what a person told only the operator (an email, a phone number).
     */
    @WithDefault("firstName")
    List<String> templateTraits();

    /** The computed attributes content templates may render ({@code {{ computed.bonusPoints }}}); none by default. */
    Optional<List<String>> templateComputed();

    /** How often each replica compares its placements with PostgreSQL, in case it missed a change message. */
    @WithDefault("PT30S")
    Duration placementSync();

    /** How often each replica checks that Redis holds the visitors' copy, and refills it when not. */
    @WithDefault("PT10S")
    Duration warmCheck();

    /** Profiles per round trip when the copy is refilled from PostgreSQL. */
    @WithDefault("500")
    int warmPage();

    /** Each replica's memory of the visitors it read (VisitorNearCache). */
    NearCache nearCache();

    interface NearCache {
        /**
         * How long a remembered visitor is used at most. Changes are announced and forgotten at once;
         * this bounds what a replica shows after an announcement it missed.
         */
        @WithDefault("PT60S")
        Duration ttl();

        /**
         * Entries (ids and profiles) remembered at most; when full, what expired is dropped, and when that
         * is not a tenth of it, everything. 0 turns it off.
         */
        @WithDefault("50000")
        int maxEntries();
    }
}
