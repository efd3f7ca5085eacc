package io.touchpoint.devstack.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.touchpoint.devstack.Endpoints;
import io.touchpoint.devstack.JwtKeys;

/**
 * The devstack process: starts whichever of Kafka, PostgreSQL, Redis, SMTP/IMAP and the SMSC the environment
 * does not already provide, writes {@code endpoints.properties}, prints one {@code DEVSTACK READY}
 * line on stdout, and runs until SIGTERM/SIGINT, until its parent process exits, or (with
 * {@code --exit-on-stdin-eof}) until its parent closes stdin.
 *
 * <p>External servers: {@code KAFKA_BOOTSTRAP_SERVERS}; {@code POSTGRES_URL}
 * ({@code postgresql://user:password@host:port}); {@code REDIS_HOSTS} ({@code redis://host:port});
 * {@code SMTP_HOST} with {@code SMTP_PORT} (and {@code IMAP_PORT} if mail should be readable);
 * {@code SMPP_HOST} with {@code SMPP_PORT}, {@code SMPP_SYSTEM_ID} and {@code SMPP_PASSWORD}.
 */
public final class DevStackServer {

    public static final String READY = "DEVSTACK READY";
    /** One database per service: each service owns its data. */
    public static final List<String> DATABASES = List.of("profile", "segmentation", "journey", "gateway", "analytics");

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private volatile ChildProcesses children;

    public static void main(String[] args) throws Exception {
        Path dir = null;
        long parentPid = -1;
        boolean exitOnStdinEof = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]).toAbsolutePath();
                case "--parent-pid" -> parentPid = Long.parseLong(args[++i]);
                case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("usage: DevStackServer --dir DIR [--parent-pid PID] [--exit-on-stdin-eof]");
        }
        DevStackServer server = new DevStackServer();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "devstack-shutdown"));
        Endpoints endpoints;
        try {
            endpoints = server.start(dir, System.getenv());
        } catch (Exception | Error e) {
            // Kafka's non-daemon threads would keep a half-started JVM alive; the parent must see us exit.
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Path file = dir.resolve("endpoints.properties");
        endpoints.write(file);
        System.out.println(READY + " " + file);
        System.out.flush();

        if (parentPid > 0) {
            ProcessHandle.of(parentPid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> System.exit(0)),
                    () -> System.exit(0));
        }
        if (exitOnStdinEof) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    while (in.read() >= 0) {
                        // the parent never writes; we only wait for it to go away
                    }
                } catch (IOException ignored) {
                    // a broken pipe means the same as EOF
                }
                System.exit(0);
            }, "devstack-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        Thread.currentThread().join();
    }

    Endpoints start(Path dir, Map<String, String> env) throws Exception {
        ChildProcesses children = new ChildProcesses(dir);
        this.children = children;
        children.reapLeftovers();
        children.startGuardian();

        Path jwtDir = dir.resolve("jwt");
        JwtKeys.ensureKeyPair(jwtDir);

        // Redis first: its binary is extracted and executed here, and a process forked meanwhile by
        // another thread would inherit the open file and make the exec fail (ETXTBSY).
        RedisNode redis = external(env, "REDIS_HOSTS") ? null : track(RedisNode.start(dir, children));
        // PostgreSQL's initdb and Kafka's start are the slow parts; run them side by side.
        CompletableFuture<PostgresNode> postgres = external(env, "POSTGRES_URL")
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> unchecked(() -> track(PostgresNode.start(dir, children))));
        CompletableFuture<KafkaNode> kafka = external(env, "KAFKA_BOOTSTRAP_SERVERS")
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> unchecked(() -> track(KafkaNode.start(dir))));
        MailNode mail = external(env, "SMTP_HOST") ? null : track(MailNode.start());
        SmscNode smsc = external(env, "SMPP_HOST") ? null : track(SmscNode.start(dir));

        String pgHost;
        int pgPort;
        String pgUser;
        String pgPassword;
        if (postgres.join() != null) {
            pgHost = "127.0.0.1";
            pgPort = postgres.join().port();
            pgUser = PostgresNode.USER;
            pgPassword = PostgresNode.PASSWORD;
        } else {
            URI uri = URI.create(env.get("POSTGRES_URL"));
            String[] userInfo = uri.getUserInfo() == null ? new String[] { "postgres", "" } : uri.getUserInfo().split(":", 2);
            pgHost = uri.getHost();
            pgPort = uri.getPort() > 0 ? uri.getPort() : 5432;
            pgUser = userInfo[0];
            pgPassword = userInfo.length > 1 ? userInfo[1] : "";
        }
        PostgresNode.createDatabases("jdbc:postgresql://" + pgHost + ":" + pgPort + "/postgres", pgUser, pgPassword,
                DATABASES.stream().map(Endpoints::databaseName).toList());

        String bootstrap;
        if (kafka.join() != null) {
            bootstrap = kafka.join().bootstrapServers();
        } else {
            bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
            KafkaNode.createTopics(bootstrap);
        }

        return new Endpoints(bootstrap, pgHost, pgPort, pgUser, pgPassword,
                redis != null ? redis.url() : env.get("REDIS_HOSTS"),
                mail != null ? "127.0.0.1" : env.get("SMTP_HOST"),
                mail != null ? mail.smtpPort() : Integer.parseInt(env.getOrDefault("SMTP_PORT", "25")),
                mail != null ? mail.imapPort() : Integer.parseInt(env.getOrDefault("IMAP_PORT", "-1")),
                smsc != null ? "127.0.0.1" : env.get("SMPP_HOST"),
                smsc != null ? smsc.port() : Integer.parseInt(env.getOrDefault("SMPP_PORT", "2775")),
                smsc != null ? smsc.systemId() : env.get("SMPP_SYSTEM_ID"),
                smsc != null ? smsc.password() : env.get("SMPP_PASSWORD"),
                smsc != null ? smsc.httpPort() : -1,
                jwtDir.resolve("public.pem"), jwtDir.resolve("private.pem"),
                env.getOrDefault("TOUCHPOINT_JWT_ISSUER", JwtKeys.DEFAULT_ISSUER));
    }

    /**
     * Stops in reverse start order, so Kafka goes before the stores its clients might still flush to.
     * Then the native servers still running (a failed stop) are stopped and their pid file deleted: the
     * guardian, which acts once this JVM has exited, has nothing left to kill (those pids may belong
     * to the next run's servers by then).
     */
    synchronized void stop() {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("devstack: stopping " + resource.getClass().getSimpleName() + " failed: " + e);
            }
        }
        if (children != null) {
            children.forget();
        }
    }

    private synchronized <T extends AutoCloseable> T track(T resource) {
        started.push(resource);
        return resource;
    }

    private static boolean external(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }

    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private static <T> T unchecked(ThrowingSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
