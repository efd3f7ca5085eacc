package io.touchpoint.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What runs and what listens, from /proc (Linux). */
final class Procs {

    private Procs() {
    }

    static List<Long> allPids() {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process's arguments joined by spaces; empty for a zombie or a process gone meanwhile. */
    static String commandLine(long pid) {
        return read(pid, "cmdline").replace('\0', ' ').trim();
    }

    /** A process's environment, one VAR=value per line. */
    static String environ(long pid) {
        return read(pid, "environ").replace('\0', '\n');
    }

    static List<Long> pidsWithCommandLineContaining(String text) {
        long self = ProcessHandle.current().pid();
        return allPids().stream().filter(pid -> pid != self && commandLine(pid).contains(text)).toList();
    }

    static String describe(List<Long> pids) {
        return pids.stream().map(pid -> pid + " " + commandLine(pid)).collect(Collectors.joining("\n"));
    }

    /** Every TCP port in LISTEN state (IPv4 and IPv6), with the pids that own its socket (if visible). */
    static Map<Integer, Set<Long>> listeningPorts() {
        Map<Long, Integer> portOfInode = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && f[3].equals("0A")) {
                    String local = f[1];
                    portOfInode.put(Long.parseLong(f[9]), Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                }
            }
        }
        Map<Integer, Set<Long>> owners = new HashMap<>();
        portOfInode.values().forEach(port -> owners.putIfAbsent(port, new HashSet<>()));
        for (long pid : allPids()) {
            for (long inode : socketInodes(pid)) {
                Integer port = portOfInode.get(inode);
                if (port != null) {
                    owners.get(port).add(pid);
                }
            }
        }
        return owners;
    }

    /** The ports {@code pids} listen on. */
    static Set<Integer> listeningPortsOf(Set<Long> pids) {
        return listeningPorts().entrySet().stream().filter(e -> e.getValue().stream().anyMatch(pids::contains))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | UnsupportedOperationException gone) {
                    // closed meanwhile
                }
            });
        } catch (IOException | UncheckedIOException gone) {
            // the process ended, or is not ours to read
        }
        return inodes;
    }

    private static String read(long pid, String file) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), file)), StandardCharsets.UTF_8);
        } catch (IOException gone) {
            return "";
        }
    }
}
