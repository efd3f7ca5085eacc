package io.touchpoint.platform.time;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Reactive work run on a Vert.x timer, never twice at once in this process: a tick that finds the
 * previous run still going is skipped rather than queued, so a slow run cannot pile up behind itself.
 * A failed run is logged and the next tick tries again.
 */
public final class PeriodicWork {

    private final Vertx vertx;
    private final long timer;

    private PeriodicWork(Vertx vertx, long timer) {
        this.vertx = vertx;
        this.timer = timer;
    }

    public static PeriodicWork every(Vertx vertx, long intervalMs, Supplier<Uni<?>> work, Logger log, String failure) {
        AtomicBoolean running = new AtomicBoolean();
        long timer = vertx.setPeriodic(intervalMs, id -> {
            if (running.compareAndSet(false, true)) {
                Uni.createFrom().deferred(work).subscribe().with(done -> running.set(false), e -> {
                    log.warn(failure, e);
                    running.set(false);
                });
            }
        });
        return new PeriodicWork(vertx, timer);
    }

    public void cancel() {
        vertx.cancelTimer(timer);
    }
}
