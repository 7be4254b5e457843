package dev.baton.placement.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The current assignment of every role, sorted by role id; immutable, with O(log n) lookups. A role with no entry
 * has never been decided about (new role).
 */
public record Assignments(List<Assignment> all) {
    private static final Assignments EMPTY = new Assignments(List.of());

    /** @throws IllegalArgumentException when two assignments name the same role */
    public Assignments {
        List<Assignment> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(Assignment::roleId));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i - 1).roleId().equals(sorted.get(i).roleId())) {
                throw new IllegalArgumentException("two assignments for role " + sorted.get(i).roleId());
            }
        }
        all = List.copyOf(sorted);
    }

    public static Assignments empty() {
        return EMPTY;
    }

    public static Assignments of(Collection<Assignment> assignments) {
        return new Assignments(List.copyOf(assignments));
    }

    public static Assignments of(Assignment... assignments) {
        return new Assignments(List.of(assignments));
    }

    /** The role's assignment, if it has one. */
    public Optional<Assignment> get(String roleId) {
        return Optional.ofNullable(find(roleId));
    }

    /** The role's assignment, or null; for hot loops. O(log n). */
    public Assignment find(String roleId) {
        int low = 0;
        int high = all.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int cmp = all.get(mid).roleId().compareTo(roleId);
            if (cmp < 0) {
                low = mid + 1;
            } else if (cmp > 0) {
                high = mid - 1;
            } else {
                return all.get(mid);
            }
        }
        return null;
    }

    /** These assignments with {@code changes} replacing (or adding) the assignments of the same roles. */
    public Assignments with(Collection<Assignment> changes) {
        if (changes.isEmpty()) {
            return this;
        }
        List<Assignment> sortedChanges = new ArrayList<>(changes);
        sortedChanges.sort(Comparator.comparing(Assignment::roleId));
        List<Assignment> merged = new ArrayList<>(all.size() + sortedChanges.size());
        int i = 0;
        int j = 0;
        while (i < all.size() || j < sortedChanges.size()) {
            if (j == sortedChanges.size()) {
                merged.add(all.get(i++));
            } else if (i == all.size()) {
                merged.add(sortedChanges.get(j++));
            } else {
                int cmp = all.get(i).roleId().compareTo(sortedChanges.get(j).roleId());
                if (cmp < 0) {
                    merged.add(all.get(i++));
                } else if (cmp > 0) {
                    merged.add(sortedChanges.get(j++));
                } else {
                    merged.add(sortedChanges.get(j++));
                    i++;
                }
            }
        }
        return new Assignments(merged);
    }

    /** These assignments without the role's, e.g. after the role was deleted. */
    public Assignments without(String roleId) {
        List<Assignment> kept = new ArrayList<>(all);
        kept.removeIf(assignment -> assignment.roleId().equals(roleId));
        return kept.size() == all.size() ? this : new Assignments(kept);
    }
}
