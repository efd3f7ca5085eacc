package io.touchpoint.gateway.webhook.store;

import static io.touchpoint.platform.store.Json.instant;
import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.webhook.domain.WebhookEndpoint;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Webhook endpoints and their signing secrets (V16__webhook_endpoint.sql). */
@ApplicationScoped
public class WebhookEndpointStore {

    private static final String COLUMNS = "endpoint_key, url, description, enabled, created_at, updated_at";

    /** Creates the endpoint with its first secret; false (nothing written) when the key exists. */
    public Uni<Boolean> create(SqlClient sql, String key, String url, String description, boolean enabled, String secret,
            Instant now) {
        return sql.preparedQuery("""
                INSERT INTO webhook_endpoint (endpoint_key, url, description, enabled, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (endpoint_key) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(key, url, description, enabled, ts(now))))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : addSecret(sql, key, secret, now).replaceWith(true));
    }

    public Uni<Void> update(SqlClient sql, String key, String url, String description, boolean enabled, Instant now) {
        return sql.preparedQuery("""
                UPDATE webhook_endpoint SET url = $2, description = $3, enabled = $4, updated_at = $5 WHERE endpoint_key = $1""")
                .execute(Tuple.from(Arrays.asList(key, url, description, enabled, ts(now)))).replaceWithVoid();
    }

    public Uni<Boolean> delete(SqlClient sql, String key) {
        return sql.preparedQuery("DELETE FROM webhook_endpoint WHERE endpoint_key = $1").execute(Tuple.of(key))
                .map(rows -> rows.rowCount() == 1);
    }

    /** A new current secret; the current one until now signs on until {@code previousUntil}, older ones stop. */
    public Uni<Void> rotate(SqlClient sql, String key, String secret, Instant previousUntil, Instant now) {
        return sql.preparedQuery("""
                UPDATE webhook_secret SET expires_at = CASE WHEN expires_at IS NULL THEN $2 ELSE least(expires_at, $3) END
                WHERE endpoint_key = $1 AND (expires_at IS NULL OR expires_at > $3)""")
                .execute(Tuple.of(key, ts(previousUntil), ts(now)))
                .chain(() -> addSecret(sql, key, secret, now));
    }

    private Uni<Void> addSecret(SqlClient sql, String key, String secret, Instant now) {
        return sql.preparedQuery("INSERT INTO webhook_secret (endpoint_key, secret, created_at) VALUES ($1, $2, $3)")
                .execute(Tuple.of(key, secret, ts(now))).replaceWithVoid();
    }

    public Uni<Optional<WebhookEndpoint>> find(SqlClient sql, String key) {
        return sql.preparedQuery("SELECT " + COLUMNS + " FROM webhook_endpoint WHERE endpoint_key = $1").execute(Tuple.of(key))
                .chain(rows -> rows.size() == 0 ? Uni.createFrom().item(Optional.<WebhookEndpoint>empty())
                        : withSecrets(sql, rows.iterator().next()).map(Optional::of));
    }

    /** A page in creation order, after the given key when there is one. */
    public Uni<List<WebhookEndpoint>> page(SqlClient sql, Instant afterAt, String afterKey, int limit) {
        return sql.preparedQuery("SELECT " + COLUMNS + """
                 FROM webhook_endpoint WHERE $1::timestamptz IS NULL OR (created_at, endpoint_key) > ($1, $2)
                ORDER BY created_at, endpoint_key LIMIT $3""")
                .execute(Tuple.of(ts(afterAt), afterKey, limit)).chain(rows -> {
                    List<Uni<WebhookEndpoint>> all = new ArrayList<>();
                    rows.forEach(r -> all.add(withSecrets(sql, r)));
                    return all.isEmpty() ? Uni.createFrom().item(List.<WebhookEndpoint>of())
                            : Uni.join().all(all).andFailFast();
                });
    }

    private Uni<WebhookEndpoint> withSecrets(SqlClient sql, Row r) {
        String key = r.getString(0);
        return sql.preparedQuery("""
                SELECT secret, created_at, expires_at FROM webhook_secret WHERE endpoint_key = $1 ORDER BY expires_at NULLS FIRST, id DESC""")
                .execute(Tuple.of(key)).map(secrets -> {
                    List<WebhookEndpoint.Secret> list = new ArrayList<>();
                    secrets.forEach(s -> list.add(new WebhookEndpoint.Secret(s.getString(0), instant(s.getOffsetDateTime(1)),
                            instant(s.getOffsetDateTime(2)))));
                    return new WebhookEndpoint(key, r.getString(1), r.getString(2), r.getBoolean(3), list,
                            instant(r.getOffsetDateTime(4)), instant(r.getOffsetDateTime(5)));
                });
    }
}
