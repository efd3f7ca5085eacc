package io.touchpoint.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Command-line options ({@code --name=value}) with their defaults, and the launcher's credentials file. */
final class Settings {

    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, String> used = new LinkedHashMap<>();

    Settings(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            int eq = arg.indexOf('=');
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
    }

    String string(String name, String fallback) {
        String value = options.getOrDefault(name, fallback);
        used.put(name, value);
        return value;
    }

    int integer(String name, int fallback) {
        return Integer.parseInt(string(name, Integer.toString(fallback)));
    }

    Duration seconds(String name, int fallback) {
        return Duration.ofSeconds(integer(name, fallback));
    }

    /** Every option read so far with the value in force, for the report. */
    Map<String, String> used() {
        return used;
    }

    void rejectUnknown() {
        for (String name : options.keySet()) {
            if (!used.containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + used.keySet());
            }
        }
    }

    /** KEY=value lines as ./touchpoint up writes them to credentials.env. */
    static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#") || !line.contains("=")) {
                continue;
            }
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        return env;
    }

    static String require(Map<String, String> env, String key) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(key + " is missing from the credentials file");
        }
        return value;
    }
}
