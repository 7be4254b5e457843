package dev.baton.placement.detector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** Lists kept sorted by a string id, so records can offer O(log n) lookups without a map. */
final class SortedById {
    private SortedById() {
    }

    /** An immutable copy of {@code items} sorted by id; a later item with the same id replaces an earlier one. */
    static <T> List<T> sorted(List<T> items, Function<T, String> id) {
        List<T> copy = new ArrayList<>(items);
        // Stable sort: among equal ids the last one reported wins below.
        copy.sort(Comparator.comparing(id));
        List<T> result = new ArrayList<>(copy.size());
        for (T item : copy) {
            int last = result.size() - 1;
            if (last >= 0 && id.apply(result.get(last)).equals(id.apply(item))) {
                result.set(last, item);
            } else {
                result.add(item);
            }
        }
        return List.copyOf(result);
    }

    /** True when {@code items} is strictly increasing by id. */
    static <T> boolean isSorted(List<T> items, Function<T, String> id) {
        for (int i = 1; i < items.size(); i++) {
            if (id.apply(items.get(i - 1)).compareTo(id.apply(items.get(i))) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The item with {@code key} in a list sorted by id, or null. */
    static <T> T find(List<T> items, Function<T, String> id, String key) {
        int low = 0;
        int high = items.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            T item = items.get(mid);
            int cmp = id.apply(item).compareTo(key);
            if (cmp < 0) {
                low = mid + 1;
            } else if (cmp > 0) {
                high = mid - 1;
            } else {
                return item;
            }
        }
        return null;
    }
}
