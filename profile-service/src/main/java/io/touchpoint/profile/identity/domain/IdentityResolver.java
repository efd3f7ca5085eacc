package io.touchpoint.profile.identity.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, from the identifiers an interaction carries and who owns them now, which profile the
 * interaction belongs to, which profiles merge into it and which identifiers it gains. Pure logic:
 * the store loads the inputs and carries out the decision.
 *
 * <p>Rules: the strongest known identifier (userId, then external ids, email, phone, anonymousId)
 * decides the profile; other profiles sharing the interaction's identifiers merge into it unless
 * that would give a profile more values of a limited identifier type than allowed (two different
 * userIds never merge silently); an unknown userId arriving on a profile that already has another
 * userId starts a new profile (a shared device), leaving the device's identifiers where they are.
 */
public final class IdentityResolver {

    public record Decision(Optional<String> target, List<String> merge, List<Identifier> attach,
            List<String> refusedMerges) {

        public boolean createsProfile() {
            return target.isEmpty();
        }
    }

    private final Map<String, Integer> limits;

    public IdentityResolver(Map<String, Integer> limits) {
        this.limits = limits;
    }

    /**
     * @param ids the interaction's identifiers
     * @param owners which profile owns each known identifier
     * @param owned every identifier of every owning profile
     */
    public Decision decide(List<Identifier> ids, Map<Identifier, String> owners, Map<String, List<Identifier>> owned) {
        if (owners.isEmpty()) {
            return new Decision(Optional.empty(), List.of(), attachable(ids, owners, Set.of()), List.of());
        }
        Optional<Identifier> userId = ids.stream().filter(i -> i.type().equals(Identifier.USER_ID)).findFirst();
        String strongest = owners.entrySet().stream()
                .min(Comparator.comparingInt((Map.Entry<Identifier, String> e) -> e.getKey().priority())
                        .thenComparing(e -> e.getValue()))
                .map(Map.Entry::getValue).orElseThrow();
        if (userId.isPresent() && !owners.containsKey(userId.get()) && hasOtherValue(owned.get(strongest), userId.get())) {
            // A different user on a known device: a new person, not a merge.
            return new Decision(Optional.empty(), List.of(), attachable(ids, owners, Set.of()), List.of());
        }
        String target = userId.map(owners::get).orElse(strongest);
        if (target == null) {
            target = strongest;
        }
        Set<Identifier> combined = new LinkedHashSet<>(owned.getOrDefault(target, List.of()));
        userId.ifPresent(combined::add);
        List<String> merge = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String candidate : new LinkedHashSet<>(owners.values())) {
            if (candidate.equals(target)) {
                continue;
            }
            List<Identifier> theirs = owned.getOrDefault(candidate, List.of());
            if (conflicts(combined, theirs)) {
                refused.add(candidate);
            } else {
                merge.add(candidate);
                combined.addAll(theirs);
            }
        }
        return new Decision(Optional.of(target), merge, attachable(ids, owners, combined), refused);
    }

    /** An explicit alias merges regardless of limits: the caller said these are one person. */
    public static Decision alias(String target, Optional<String> previousOwner, List<Identifier> unowned) {
        List<String> merge = previousOwner.filter(p -> !p.equals(target)).map(List::of).orElse(List.of());
        return new Decision(Optional.of(target), merge, unowned, List.of());
    }

    private boolean conflicts(Set<Identifier> ours, List<Identifier> theirs) {
        for (var limit : limits.entrySet()) {
            Set<String> values = new HashSet<>();
            boolean weHaveOne = false;
            for (Identifier i : ours) {
                if (i.type().equals(limit.getKey())) {
                    values.add(i.value());
                    weHaveOne = true;
                }
            }
            boolean theyAddOne = false;
            for (Identifier i : theirs) {
                if (i.type().equals(limit.getKey()) && values.add(i.value())) {
                    theyAddOne = true;
                }
            }
            if (weHaveOne && theyAddOne && values.size() > limit.getValue()) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasOtherValue(List<Identifier> owned, Identifier id) {
        return owned != null && owned.stream().anyMatch(i -> i.type().equals(id.type()) && !i.value().equals(id.value()));
    }

    /**
     * Identifiers nobody owns yet, within the per-type limits of the profile they join. Owned ones
     * stay where they are: on the target already, or on a profile we refused to merge.
     */
    private List<Identifier> attachable(List<Identifier> ids, Map<Identifier, String> owners, Set<Identifier> existing) {
        List<Identifier> attach = new ArrayList<>();
        Set<Identifier> held = new LinkedHashSet<>(existing);
        for (Identifier id : ids) {
            if (owners.containsKey(id)) {
                continue;
            }
            Integer limit = limits.get(id.type());
            long count = held.stream().filter(h -> h.type().equals(id.type()) && !h.equals(id)).count();
            if (limit == null || count < limit) {
                attach.add(id);
                held.add(id);
            }
        }
        return attach;
    }
}
