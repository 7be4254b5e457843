package dev.baton.placement.api;

import dev.baton.placement.store.RoleDefinition;
import dev.baton.runtime.http.ApiException;
import java.util.ArrayList;
import java.util.List;

/** The optional {@code If-Match} precondition of a change: entity tags are the role's version, {@code "4"}. */
record IfMatch(List<Long> versions, boolean any) {
    private static final IfMatch NONE = new IfMatch(List.of(), true);

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** @throws ApiException 400 when the header is not a list of entity tags */
    static IfMatch parse(String header) {
        if (header == null) {
            return NONE;
        }
        if (header.trim().equals("*")) {
            return new IfMatch(List.of(), true);
        }
        List<Long> versions = new ArrayList<>();
        for (String tag : header.split(",", -1)) {
            String t = tag.trim();
            if (t.matches("W/\"[^\"]*\"")) {
                continue; // a weak tag never matches: If-Match compares strongly (RFC 9110, 13.1.1)
            }
            if (!t.matches("\"[0-9]{1,18}\"")) {
                throw ApiException.badRequest("If-Match must list entity tags such as \"4\" (the role's version), "
                        + "was " + AdminRequests.abbreviated(header));
            }
            versions.add(Long.parseLong(t.substring(1, t.length() - 1)));
        }
        return new IfMatch(List.copyOf(versions), false);
    }

    /** @throws ApiException 412 when the role is not at one of the versions the client based its change on */
    void check(RoleDefinition current) {
        if (!any && !versions.contains(current.version())) {
            String wanted = versions.isEmpty() ? "a strong entity tag of its version"
                    : versions.size() == 1 ? String.valueOf(versions.get(0)) : "one of " + versions;
            throw new ApiException(412, "role " + current.roleId() + " is at version " + current.version()
                    + ", not " + wanted + " as If-Match requires: read it again and redo the change");
        }
    }

    /** Whether the header named versions (or {@code *}) rather than being absent. */
    boolean present() {
        return this != NONE;
    }
}
