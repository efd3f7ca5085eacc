package io.touchpoint.segmentation.segment.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which segment's rule reads which segment's membership. Evaluating in dependency order lets a
 * segment-of-segment see memberships already updated in the same pass; cycles would make that order
 * (and the answer) undefined, so they are refused when a definition is saved.
 */
public final class SegmentGraph {

    private final Map<String, Set<String>> dependsOn;

    public SegmentGraph(Map<String, Set<String>> dependsOn) {
        this.dependsOn = dependsOn;
    }

    /** A cycle through {@code start}, as a path that begins and ends with it, if there is one. */
    public Optional<List<String>> cycleThrough(String start) {
        List<String> path = new ArrayList<>();
        path.add(start);
        return dfs(start, start, path, new HashSet<>()) ? Optional.of(path) : Optional.empty();
    }

    private boolean dfs(String start, String at, List<String> path, Set<String> seen) {
        for (String next : dependsOn.getOrDefault(at, Set.of())) {
            path.add(next);
            if (next.equals(start)) {
                return true;
            }
            if (seen.add(next) && dfs(start, next, path, seen)) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    /** Segments whose rule reads {@code id} directly. */
    public Set<String> dependents(String id) {
        Set<String> out = new LinkedHashSet<>();
        dependsOn.forEach((segment, deps) -> {
            if (deps.contains(id)) {
                out.add(segment);
            }
        });
        return out;
    }

    /** {@code ids} and every segment that reads them, directly or through others. */
    public Set<String> withDependents(Set<String> ids) {
        Set<String> out = new LinkedHashSet<>(ids);
        List<String> todo = new ArrayList<>(ids);
        while (!todo.isEmpty()) {
            for (String d : dependents(todo.remove(todo.size() - 1))) {
                if (out.add(d)) {
                    todo.add(d);
                }
            }
        }
        return out;
    }

    /** The given segments ordered so each comes after the segments it reads. */
    public static List<Segment> dependencyOrder(List<Segment> segments) {
        Map<String, Segment> byId = new HashMap<>();
        segments.forEach(s -> byId.put(s.id(), s));
        List<Segment> ordered = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Set<String> visiting = new HashSet<>();
        for (Segment s : segments) {
            visit(s, byId, done, visiting, ordered);
        }
        return ordered;
    }

    private static void visit(Segment s, Map<String, Segment> byId, Set<String> done, Set<String> visiting,
            List<Segment> ordered) {
        if (done.contains(s.id()) || !visiting.add(s.id())) {
            return;
        }
        for (String dep : s.dependsOn()) {
            Segment d = byId.get(dep);
            if (d != null) {
                visit(d, byId, done, visiting, ordered);
            }
        }
        done.add(s.id());
        ordered.add(s);
    }
}
