package io.touchpoint.platform.wakeup;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/** Records what fired, in order, with the clock's reading; the key "poison" fails. */
@ApplicationScoped
public class RecordingHandler implements WakeupHandler {

    public record Fired(String key, Instant dueAt, Instant at) {
    }

    final List<Fired> fired = new CopyOnWriteArrayList<>();
    private final Clock clock;

    RecordingHandler(Clock clock) {
        this.clock = clock;
    }

    public List<Fired> firedWith(String prefix) {
        return fired.stream().filter(f -> f.key().startsWith(prefix)).toList();
    }

    @Override
    public String kind() {
        return "test";
    }

    @Override
    public Uni<Void> fire(SqlClient sql, Wakeup wakeup) {
        if (wakeup.key().startsWith("poison")) {
            return Uni.createFrom().failure(new IllegalStateException("poison wake-up"));
        }
        fired.add(new Fired(wakeup.key(), wakeup.dueAt(), clock.instant()));
        return Uni.createFrom().voidItem();
    }
}
