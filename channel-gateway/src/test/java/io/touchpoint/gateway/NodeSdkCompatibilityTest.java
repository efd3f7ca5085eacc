package io.touchpoint.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.devstack.testing.TestTokens;
import io.touchpoint.gateway.support.Gateway;
import io.touchpoint.gateway.support.InteractionLog;

/**
 * The official Node SDKs ({@code @segment/analytics-node}, {@code @rudderstack/rudder-sdk-node})
 * run by src/test/node/send-events.mjs against the gateway under test. Skipped, not failed, where
 * Node 20+ or the npm registry is not available.
 */
@QuarkusTest
class NodeSdkCompatibilityTest {

    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final Path WORK = Path.of("target", "node-sdk-check");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "touchpoint.devstack.jwt.private-key")
    String privateKey;
    @ConfigProperty(name = "touchpoint.devstack.jwt.issuer")
    String issuer;
    @TestHTTPResource("/")
    URL root;

    private record Run(int exitCode, String output) {
    }

    @Test
    void segmentAndRudderstackNodeSdks() throws Exception {
        Run node = run(List.of("node", "--version"), Path.of("."), Map.of(), 30);
        Assumptions.assumeTrue(node != null && node.exitCode() == 0, "Node.js is not installed; skipping the Node SDK check");
        int major = Integer.parseInt(node.output().strip().replaceFirst("^v(\\d+).*", "$1"));
        Assumptions.assumeTrue(major >= 20, "the Node SDKs need Node 20 or newer, found " + node.output().strip());

        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "send-events.mjs")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Run install = run(List.of("npm", "install", "--no-audit", "--no-fund"), WORK, Map.of(), 300);
        Assumptions.assumeTrue(install != null && install.exitCode() == 0,
                () -> "npm is missing or cannot install the SDKs (no registry?); skipping the Node SDK check:\n"
                        + (install == null ? "npm not found" : install.output()));

        Gateway gateway = new Gateway(new TestTokens(privateKey, issuer));
        Gateway.CreatedSource segmentSource = gateway.createSource("Segment Node SDK " + UUID.randomUUID());
        Gateway.CreatedSource rudderSource = gateway.createSource("RudderStack Node SDK " + UUID.randomUUID());
        String runId = UUID.randomUUID().toString();
        String url = root.toString().replaceFirst("/$", "");
        Run send = run(List.of("node", "send-events.mjs"), WORK, Map.of("GATEWAY_URL", url,
                "SEGMENT_WRITE_KEY", segmentSource.writeKey(), "RUDDER_WRITE_KEY", rudderSource.writeKey(),
                "RUN_ID", runId), 120);
        assertNotNull(send);
        assertEquals(0, send.exitCode(), () -> "send-events.mjs failed:\n" + send.output());

        InteractionLog log = InteractionLog.of(bootstrap);
        List<Interaction> segment = log.awaitMatching(i -> ("segment-node-" + runId).equals(i.userId()), 4).stream()
                .map(InteractionLog.Published::interaction).toList();
        assertEquals(Set.of("identify", "track", "page", "group"), types(segment));
        assertTrue(segment.stream().allMatch(i -> segmentSource.id().equals(i.sourceId())));
        Interaction bet = segment.stream().filter(i -> "track".equals(i.type())).findFirst().orElseThrow();
        assertEquals("Bet Placed", bet.event());
        assertEquals(Map.of("stake", 5), bet.properties());
        assertEquals("household-" + runId,
                segment.stream().filter(i -> "group".equals(i.type())).findFirst().orElseThrow().groupId());
        assertNotNull(bet.sentAt());

        List<Interaction> rudder = log.awaitMatching(i -> ("rudder-node-" + runId).equals(i.userId()), 4).stream()
                .map(InteractionLog.Published::interaction).toList();
        assertEquals(Set.of("identify", "track", "screen", "alias"), types(rudder));
        assertTrue(rudder.stream().allMatch(i -> rudderSource.id().equals(i.sourceId())));
        assertEquals("device-" + runId,
                rudder.stream().filter(i -> "alias".equals(i.type())).findFirst().orElseThrow().previousId());
        assertEquals("Wallet", rudder.stream().filter(i -> "screen".equals(i.type())).findFirst().orElseThrow().name());
    }

    private static Set<String> types(List<Interaction> interactions) {
        return interactions.stream().map(Interaction::type).collect(Collectors.toSet());
    }

    /** @return null when the program cannot be started at all */
    private static Run run(List<String> command, Path dir, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("node-sdk-check", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return null;
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Run(-1, "timed out after " + timeoutSeconds + " s\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
