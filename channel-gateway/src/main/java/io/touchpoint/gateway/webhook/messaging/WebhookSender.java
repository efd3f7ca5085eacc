package io.touchpoint.gateway.webhook.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.faulttolerance.Timeout;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.delivery.domain.ChannelSender;
import io.touchpoint.gateway.delivery.domain.Content;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.gateway.webhook.domain.WebhookConfig;
import io.touchpoint.gateway.webhook.domain.WebhookEndpoint;
import io.touchpoint.gateway.webhook.domain.WebhookSignature;
import io.touchpoint.gateway.webhook.store.WebhookEndpointStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Calls a partner's webhook endpoint through Vert.x's non-blocking HTTP client: a POST of the
 * rendered JSON body, signed by the Standard Webhooks convention ({@code webhook-id} = the delivery
 * id, {@code webhook-timestamp} from the service clock, {@code webhook-signature} with every secret
 * valid now). A 2xx answer is taken; 410 Gone is a refusal (the partner removed the receiver);
 * any other answer, a refused connection or no answer within the timeout asks for the delivery to
 * be sent again later, with the same id, which receivers deduplicate by. A missing or disabled
 * endpoint is a refusal.
 */
@ApplicationScoped
public class WebhookSender implements ChannelSender {

    private final Pool pool;
    private final Clock clock;
    private final WebhookEndpointStore endpoints;
    private final WebhookConfig config;
    private final HttpClient http;

    WebhookSender(Pool pool, Clock clock, WebhookEndpointStore endpoints, WebhookConfig config, Vertx vertx) {
        this.pool = pool;
        this.clock = clock;
        this.endpoints = endpoints;
        this.config = config;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxPoolSize(config.connections()).setKeepAlive(true));
    }

    void stop(@Observes ShutdownEvent event) {
        http.closeAndForget();
    }

    @Override
    public String channel() {
        return Channels.WEBHOOK;
    }

    @Override
    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<Accepted> send(Delivery delivery, Content content) {
        String key = content.endpoint();
        return pool.withConnection(sql -> endpoints.find(sql, key)).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(new ChannelSender.Refused("no webhook endpoint " + key, null));
            }
            WebhookEndpoint endpoint = found.get();
            if (!endpoint.enabled()) {
                return Uni.createFrom().failure(new ChannelSender.Refused("webhook endpoint " + key + " is disabled", null));
            }
            return call(endpoint, delivery.deliveryId(), content.text());
        });
    }

    private Uni<Accepted> call(WebhookEndpoint endpoint, String id, String body) {
        Instant now = clock.instant();
        long timestamp = now.getEpochSecond();
        String signature = WebhookSignature.header(endpoint.signing(now), id, timestamp, body);
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(endpoint.url())
                .setIdleTimeout(config.timeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "Touchpoint-Webhooks/1")
                .putHeader("webhook-id", id)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", signature);
        return http.request(request)
                .chain(r -> r.send(Buffer.buffer(body)))
                .chain(response -> response.body().map(answer -> {
                    int status = response.statusCode();
                    String detail = "endpoint " + endpoint.key() + " answered " + status;
                    if (status >= 200 && status < 300) {
                        return new Accepted(1, java.util.List.of(), detail);
                    }
                    if (status == 410) {
                        throw new ChannelSender.Refused(detail + " (Gone)", null);
                    }
                    throw new ChannelSender.RetryLater(detail, retryAfter(response.getHeader("Retry-After")), null);
                }))
                .onFailure(e -> !(e instanceof ChannelSender.Refused) && !(e instanceof ChannelSender.RetryLater))
                .transform(e -> new ChannelSender.RetryLater("endpoint " + endpoint.key() + " not reached: " + e, null, e));
    }

    private static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
