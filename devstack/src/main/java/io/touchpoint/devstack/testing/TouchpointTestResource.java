package io.touchpoint.devstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.touchpoint.devstack.DevStackProcess;
import io.touchpoint.devstack.Endpoints;

/**
 * Runs a service's integration tests against a real Kafka broker, PostgreSQL, Redis and SMTP server.
 * Register it once per module with {@code @QuarkusTestResource(value = TouchpointTestResource.class,
 * initArgs = @ResourceArg(name = "database", value = "profile"))}; add {@code mailer=true} for a
 * service that sends mail. The stack is fresh per test JVM.
 * Tests reach the servers through the overrides it returns, under {@code touchpoint.devstack.*};
 * {@code touchpoint.devstack.dir} is the stack's directory (for {@link RedisOutage}).
 */
public class TouchpointTestResource implements QuarkusTestResourceLifecycleManager {

    private String database = "test";
    private boolean mailer;
    private DevStackProcess stack;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
        mailer = Boolean.parseBoolean(initArgs.getOrDefault("mailer", "false"));
    }

    @Override
    public Map<String, String> start() {
        try {
            String base = System.getenv().getOrDefault("TOUCHPOINT_DEVSTACK_DIR", "target/devstack");
            stack = DevStackProcess.startFresh(Path.of(base));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Endpoints endpoints = stack.endpoints();
        Map<String, String> config = new HashMap<>(endpoints.quarkusConfig(Endpoints.databaseName(database), mailer));
        endpoints.asMap().forEach((key, value) -> config.put("touchpoint.devstack." + key, value));
        config.put("touchpoint.devstack.dir", stack.dir().toAbsolutePath().toString());
        return config;
    }

    @Override
    public void stop() {
        if (stack != null) {
            try {
                stack.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
