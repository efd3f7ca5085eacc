package io.touchpoint.gateway.delivery.domain;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "touchpoint.gateway.email")
public interface EmailConfig {

    /** The right-hand side of every Message-ID: {@code <deliveryId@domain>}. */
    @WithDefault("touchpoint.local")
    String messageIdDomain();
}
