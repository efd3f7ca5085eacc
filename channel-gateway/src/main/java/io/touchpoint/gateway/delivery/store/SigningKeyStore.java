package io.touchpoint.gateway.delivery.store;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The keys links are signed with, one per purpose, each made by the migration that introduced it. */
@ApplicationScoped
public class SigningKeyStore {

    public Uni<byte[]> key(SqlClient sql, String purpose) {
        return sql.preparedQuery("SELECT secret FROM signing_key WHERE purpose = $1").execute(Tuple.of(purpose))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new IllegalStateException("no signing key for " + purpose + "; the migrations make one per purpose");
                    }
                    return rows.iterator().next().getBuffer(0).getBytes();
                });
    }
}
