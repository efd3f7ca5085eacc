package io.touchpoint.benchmarks;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

/**
 * The raw ceiling of email: the SMTP client the gateway sends with (Vert.x's pooled
 * {@link MailClient}, which quarkus-mailer's reactive mailer wraps), configured as quarkus-mailer's
 * defaults configure it (pool of 10, keep-alive, pipelining, STARTTLS optional, no login), sending
 * the same messages (a copy of one the gateway sent: subject, text and HTML parts, Message-ID and
 * List-Unsubscribe headers of the same length) to the same server, {@code lanes} at a time as the
 * gateway's dispatcher does. Nothing else: no database, no policy, no Kafka.
 */
final class RawSmtp implements AutoCloseable {

    /** What one run sent: messages accepted, failures, first start to last answer, per-message latency (µs). */
    record Result(int accepted, int failed, String firstFailure, long elapsedNanos, Histogram latencyMicros) {
        double perSecond() {
            return accepted / (elapsedNanos / 1e9);
        }
    }

    /** A message the gateway sent, read back over IMAP: copies of it are what the raw client sends. */
    record Template(String from, String subject, String text, String html, String listUnsubscribe, String listUnsubscribePost) {

        MailMessage copy(String to, String deliveryId, String domain) {
            MailMessage m = new MailMessage().setFrom(from).setTo(to).setSubject(subject).setText(text);
            if (html != null) {
                m.setHtml(html);
            }
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Message-ID", "<" + deliveryId + "@" + domain + ">");
            if (listUnsubscribe != null) {
                // Same length as the gateway's: its token names the delivery, so the copy's names its own id.
                headers.add("List-Unsubscribe", listUnsubscribe).add("List-Unsubscribe-Post", listUnsubscribePost);
            }
            return m.setHeaders(headers);
        }
    }

    private final Vertx vertx;
    private final MailClient client;

    RawSmtp(String host, int port, int poolSize) {
        vertx = Vertx.vertx();
        client = MailClient.create(vertx, new MailConfig().setHostname(host).setPort(port).setMaxPoolSize(poolSize)
                .setKeepAlive(true).setKeepAliveTimeout(300).setPipelining(true).setStarttls(StartTLSOptions.OPTIONAL)
                .setLogin(LoginOption.NONE).setAllowRcptErrors(false).setMultiPartOnly(false));
    }

    /**
     * Closed loop: {@code count} messages, {@code lanes} in flight (each lane sends its next one when
     * the previous was accepted), as fast as the server takes them.
     */
    Result send(int count, int lanes, IntFunction<MailMessage> message, long limitSeconds) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Histogram latency = new Histogram(3_600_000_000L, 3);
        CountDownLatch done = new CountDownLatch(lanes);
        long start = System.nanoTime();
        for (int lane = 0; lane < lanes; lane++) {
            lane(next, count, message, accepted, failed, last, firstFailure, latency, done);
        }
        if (!done.await(limitSeconds, TimeUnit.SECONDS)) {
            next.set(count); // stop the lanes
        }
        return new Result(accepted.get(), failed.get(), firstFailure.get(), Math.max(1, last.get() - start), latency);
    }

    private void lane(AtomicInteger next, int count, IntFunction<MailMessage> message, AtomicInteger accepted, AtomicInteger failed,
            AtomicLong last, AtomicReference<String> firstFailure, Histogram latency, CountDownLatch done) {
        int i = next.getAndIncrement();
        if (i >= count) {
            done.countDown();
            return;
        }
        long sent = System.nanoTime();
        client.sendMail(message.apply(i)).onComplete(r -> {
            long now = System.nanoTime();
            last.accumulateAndGet(now, Math::max);
            if (r.succeeded()) {
                accepted.incrementAndGet();
                synchronized (latency) {
                    latency.recordValue(Math.max(1, (now - sent) / 1000));
                }
            } else {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, String.valueOf(r.cause()));
            }
            lane(next, count, message, accepted, failed, last, firstFailure, latency, done);
        });
    }

    /**
     * Open loop: message i is handed to the client at {@code i / perSecond} s whatever the earlier
     * ones did; latency from that intended start to the server's acceptance (µs).
     */
    Result atRate(int count, double perSecond, IntFunction<MailMessage> message, long limitSeconds) throws InterruptedException {
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Histogram latency = new Histogram(3_600_000_000L, 3);
        CountDownLatch done = new CountDownLatch(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long intended = start + (long) (i * 1e9 / perSecond);
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            client.sendMail(message.apply(i)).onComplete(r -> {
                long now = System.nanoTime();
                last.accumulateAndGet(now, Math::max);
                if (r.succeeded()) {
                    accepted.incrementAndGet();
                    synchronized (latency) {
                        latency.recordValue(Math.max(1, (now - intended) / 1000));
                    }
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, String.valueOf(r.cause()));
                }
                done.countDown();
            });
        }
        done.await(limitSeconds, TimeUnit.SECONDS);
        return new Result(accepted.get(), failed.get(), firstFailure.get(), Math.max(1, last.get() - start), latency);
    }

    /** The raw client's settings, for the report. */
    static Map<String, String> settings(int poolSize, int lanes) {
        return Map.of("client", "io.vertx.ext.mail.MailClient (vertx-mail-client, the library quarkus-mailer sends with)",
                "pool", Integer.toString(poolSize), "in flight", Integer.toString(lanes),
                "options", "keep-alive, pipelining, STARTTLS optional, no login (quarkus-mailer's defaults)");
    }

    @Override
    public void close() {
        client.close();
        vertx.close();
    }
}
