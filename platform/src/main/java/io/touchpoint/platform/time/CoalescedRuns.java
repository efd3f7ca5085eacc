package io.touchpoint.platform.time;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Reactive work run on request (a kick after a commit), never twice at once in this process:
 * requests that come while a run goes on coalesce into one more run after it, so none is lost and
 * none piles up. A failed run is handed to {@code onFailure}; the next request runs again.
 */
public final class CoalescedRuns {

    private final Supplier<Uni<?>> work;
    private final Consumer<Throwable> onFailure;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public CoalescedRuns(Supplier<Uni<?>> work, Consumer<Throwable> onFailure) {
        this.work = work;
        this.onFailure = onFailure;
    }

    public void request() {
        // The request is recorded before trying to run, so a run finishing concurrently either sees
        // it or has already released the flag this call then takes: no request is lost.
        again.set(true);
        if (running.compareAndSet(false, true)) {
            runOnce();
        }
    }

    private void runOnce() {
        again.set(false);
        Uni.createFrom().deferred(work).subscribe().with(done -> done(), failure -> {
            onFailure.accept(failure);
            done();
        });
    }

    private void done() {
        running.set(false);
        if (again.get() && running.compareAndSet(false, true)) {
            runOnce();
        }
    }
}
