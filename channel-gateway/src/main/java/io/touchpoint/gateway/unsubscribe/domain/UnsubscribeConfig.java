package io.touchpoint.gateway.unsubscribe.domain;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "touchpoint.gateway.unsubscribe")
public interface UnsubscribeConfig {

    /** Where recipients reach this gateway from their mail client: the unsubscribe links start with it (https in production). */
    @WithDefault("http://localhost:8080")
    String publicUrl();

    /**
     * A mailbox for mailto unsubscribes ({@code unsubscribe@example.com}), added to List-Unsubscribe
     * when set. The gateway does not read that mailbox yet: set it only where something else does.
     */
    Optional<String> mailto();
}
