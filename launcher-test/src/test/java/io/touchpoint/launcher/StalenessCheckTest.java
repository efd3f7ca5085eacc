package io.touchpoint.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which modules {@code up} wants to build, on a made-up tree next to a copy of the launcher: a root
 * pom whose modules include a {@code platform} every service depends on, sources and built
 * artifacts with chosen times. {@code TOUCHPOINT_BUILD=never} makes the launcher list what is stale
 * and stop instead of building.
 */
class StalenessCheckTest {

    private static final List<String> SERVICES = List.of("channel-gateway", "profile-service", "segmentation-service",
            "journey-service", "analytics-service");
    private static final Instant SOURCES = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant BUILT = SOURCES.plusSeconds(3600);
    private static final Instant EDITED = BUILT.plusSeconds(60);

    @TempDir
    Path root;
    private Launcher launcher;

    @BeforeEach
    void tree() throws IOException {
        Files.copy(Launcher.ROOT.resolve("touchpoint"), root.resolve("touchpoint"), StandardCopyOption.COPY_ATTRIBUTES);
        StringBuilder modules = new StringBuilder();
        for (String m : List.of("contracts", "platform", "devstack", "channel-gateway", "profile-service",
                "segmentation-service", "journey-service", "analytics-service", "launcher-test", "benchmarks")) {
            modules.append("    <module>").append(m).append("</module>\n");
        }
        modules.append("    <!-- <module>retired-service</module> -->\n");
        write("pom.xml", "<project>\n  <artifactId>touchpoint-parent</artifactId>\n  <modules>\n" + modules + "  </modules>\n"
                + "  <dependencyManagement><dependencies>\n" + dependency("devstack", null)
                + "  </dependencies></dependencyManagement>\n</project>\n");
        module("contracts");
        module("platform", dependency("contracts", null));
        // Managed versions are no dependency: platform does not depend on the devstack.
        Path platformPom = root.resolve("platform/pom.xml");
        Files.writeString(platformPom, Files.readString(platformPom).replace("</project>",
                "  <dependencyManagement>\n    <dependencies>\n" + dependency("devstack", null)
                        + "    </dependencies>\n  </dependencyManagement>\n</project>"));
        module("devstack", dependency("contracts", null));
        for (String svc : SERVICES) {
            module(svc, dependency("platform", null), dependency("devstack", "test"),
                    "    <!-- <dependency><artifactId>benchmarks</artifactId></dependency> -->\n");
            write(svc + "/target/quarkus-app/quarkus-run.jar", "jar");
        }
        module("launcher-test", SERVICES.stream().map(s -> dependency(s, "test")).toArray(String[]::new));
        module("benchmarks", dependency("contracts", null));
        write("devstack/target/classes/io/touchpoint/devstack/devstack.classpath", "/nowhere.jar");
        setTimes(SOURCES);
        for (String svc : SERVICES) {
            touch(svc + "/target/quarkus-app/quarkus-run.jar", BUILT);
        }
        touch("devstack/target/classes/io/touchpoint/devstack/devstack.classpath", BUILT);
        launcher = new Launcher(root.resolve("touchpoint"), root.resolve("home"), Map.of("TOUCHPOINT_BUILD", "never",
                "TOUCHPOINT_PORT_BASE", Integer.toString(FreePorts.range(SERVICES.size())), "TOUCHPOINT_READY_TIMEOUT", "5"));
    }

    @Test
    void nothingIsStaleRightAfterABuild() throws Exception {
        assertEquals(Set.of(), stale());
    }

    @Test
    void aChangeToAModuleEveryServiceDependsOnMakesEveryServiceStale() throws Exception {
        touch("platform/src/main/java/Main.java", EDITED);
        assertEquals(Set.copyOf(SERVICES), stale());
        touch("contracts/pom.xml", EDITED);
        assertEquals(union(SERVICES, "devstack"), stale());
    }

    @Test
    void aServicesOwnSourcesOrPomMakeOnlyThatServiceStale() throws Exception {
        touch("journey-service/src/main/resources/application.properties", EDITED);
        assertEquals(Set.of("journey-service"), stale());
        touch("analytics-service/pom.xml", EDITED);
        assertEquals(Set.of("journey-service", "analytics-service"), stale());
    }

    @Test
    void aDeletedSourceCountsAsAChange() throws Exception {
        Files.delete(root.resolve("profile-service/src/main/java/Main.java"));
        touch("profile-service/src/main/java", EDITED);
        assertEquals(Set.of("profile-service"), stale());
    }

    @Test
    void testsAndModulesOnlyTestsOrNothingDependOnDoNotCount() throws Exception {
        touch("profile-service/src/test/java/MainTest.java", EDITED);
        touch("launcher-test/src/test/java/MainTest.java", EDITED);
        touch("benchmarks/src/main/java/Main.java", EDITED);
        assertEquals(Set.of(), stale());
        // Services depend on the devstack only in tests: a devstack change rebuilds the devstack alone.
        touch("devstack/src/main/java/Main.java", EDITED);
        assertEquals(Set.of("devstack"), stale());
    }

    @Test
    void theRootPomCountsForEveryModuleAndAMissingArtifactIsStale() throws Exception {
        Files.delete(root.resolve("segmentation-service/target/quarkus-app/quarkus-run.jar"));
        assertEquals(Set.of("segmentation-service"), stale());
        touch("pom.xml", EDITED);
        assertEquals(union(SERVICES, "devstack"), stale());
    }

    @Test
    void aBuildByTheLauncherThatMavenFoundNothingToDoCountsAsFresh() throws Exception {
        touch("devstack/src/main/java/Main.java", EDITED);
        write("devstack/target/touchpoint-launcher.stamp", "");
        touch("devstack/target/touchpoint-launcher.stamp", EDITED.plusSeconds(1));
        assertEquals(Set.of(), stale());
    }

    /** The modules the launcher reports stale, or none when it went on to start the (made-up) stack. */
    private Set<String> stale() throws Exception {
        Launcher.Result up = launcher.run(Duration.ofSeconds(60), "up", "--detach");
        assertFalse(up.exitCode() == 0, up.describe());
        Matcher m = Pattern.compile("TOUCHPOINT_BUILD=never but (.*) need a build").matcher(up.stderr());
        if (!m.find()) {
            assertTrue(up.stderr().contains("devstack failed"), "went on to start the stack: " + up.describe());
            return Set.of();
        }
        return new LinkedHashSet<>(List.of(m.group(1).split(" ")));
    }

    private static Set<String> union(List<String> some, String more) {
        Set<String> all = new LinkedHashSet<>(some);
        all.add(more);
        return all;
    }

    private void module(String name, String... dependencies) throws IOException {
        write(name + "/pom.xml", "<project>\n  <parent>\n    <artifactId>touchpoint-parent</artifactId>\n  </parent>\n"
                + "  <artifactId>" + name + "</artifactId>\n  <dependencies>\n" + String.join("", dependencies)
                + "  </dependencies>\n</project>\n");
        write(name + "/src/main/java/Main.java", "class Main {}");
        write(name + "/src/main/resources/application.properties", "");
        write(name + "/src/test/java/MainTest.java", "class MainTest {}");
    }

    private static String dependency(String artifactId, String scope) {
        return "    <dependency>\n      <groupId>io.touchpoint</groupId>\n      <artifactId>" + artifactId + "</artifactId>\n"
                + (scope == null ? "" : "      <scope>" + scope + "</scope>\n") + "    </dependency>\n";
    }

    private void write(String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private void touch(String path, Instant time) throws IOException {
        Files.setLastModifiedTime(root.resolve(path), FileTime.from(time));
    }

    /** Every file and directory of the tree (the launcher copy aside) at {@code time}. */
    private void setTimes(Instant time) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> !p.getFileName().toString().equals("touchpoint")).collect(Collectors.toList())) {
                Files.setLastModifiedTime(p, FileTime.from(time));
            }
        }
    }
}
