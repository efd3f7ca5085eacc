package io.touchpoint.segmentation.cache.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Replaces Quarkus' Redis readiness check (disabled in application.properties): Redis only caches
 * what PostgreSQL holds, so losing it must not take the service out of rotation. The check stays
 * UP and says whether lookups are served from Redis or degraded to PostgreSQL.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

    @Inject
    RedisStatus status;

    @Override
    public Uni<HealthCheckResponse> call() {
        return status.probe().map(up -> {
            var response = HealthCheckResponse.named("Redis connection health check").up()
                    .withData("redis", up ? "up" : "degraded")
                    .withData("lookups", up ? "redis" : "postgresql");
            if (!up && status.lastError() != null) {
                response.withData("error", status.lastError());
            }
            return response.build();
        });
    }
}
