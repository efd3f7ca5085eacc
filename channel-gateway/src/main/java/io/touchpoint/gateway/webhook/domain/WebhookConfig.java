package io.touchpoint.gateway.webhook.domain;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the gateway calls partners' webhook endpoints; retries follow {@code touchpoint.gateway.delivery.retry.*}. */
@ConfigMapping(prefix = "touchpoint.gateway.webhooks")
public interface WebhookConfig {

    @WithDefault("PT5S")
    Duration connectTimeout();

    /** How long a call may wait for the answer; then it is sent again later. */
    @WithDefault("PT15S")
    Duration timeout();

    /** Connections kept per receiver's host. */
    @WithDefault("8")
    int connections();

    /** How long the previous secret keeps signing after a rotation, unless the rotation says otherwise. */
    @WithDefault("PT24H")
    Duration rotationOverlap();
}
