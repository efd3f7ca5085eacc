package io.touchpoint.gateway.delivery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The role decides whether the process consumes message requests, through real SmallRye configuration. */
class GatewayRoleTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withInterceptors(new GatewayRole())
                .withSources(new PropertiesConfigSource(properties, "test", 300)).build();
    }

    private static String consumerEnabled(Map<String, String> properties) {
        return config(properties).getRawValue(GatewayRole.CONSUMER_ENABLED);
    }

    @Test
    void onlyDeliveryProcessesConsumeMessageRequests() {
        assertEquals("true", consumerEnabled(Map.of()));
        assertEquals("true", consumerEnabled(Map.of(GatewayRole.PROPERTY, "both")));
        assertEquals("true", consumerEnabled(Map.of(GatewayRole.PROPERTY, "delivery")));
        assertEquals("false", consumerEnabled(Map.of(GatewayRole.PROPERTY, "Tracking")));
    }

    @Test
    void anExplicitSettingWinsAndANonsenseRoleIsRefused() {
        assertEquals("true", consumerEnabled(Map.of(GatewayRole.PROPERTY, "tracking", GatewayRole.CONSUMER_ENABLED, "true")));
        assertThrows(IllegalArgumentException.class, () -> consumerEnabled(Map.of(GatewayRole.PROPERTY, "everything")));
    }
}
