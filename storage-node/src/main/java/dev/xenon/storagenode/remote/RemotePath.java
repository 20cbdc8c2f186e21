package dev.xenon.storagenode.remote;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A key in remote storage, relative to the storage's root: segments separated by {@code /}, each
 * made of {@code [A-Za-z0-9._-]}, none empty, {@code .} or {@code ..}; no leading or trailing
 * {@code /}; at most {@value #MAX_LENGTH} characters (S3's key limit). Example: {@code
 * tenants/3f2a.../timelines/9c1b.../layers/000000-000001}.
 *
 * <p>{@link #ROOT} (the empty path) names no object; it is the prefix that lists everything.
 * {@link #parse} and {@link #toString} round-trip. Ordering is by the string value, which is S3's
 * listing order (UTF-8 binary). Immutable.
 */
public record RemotePath(String value) implements Comparable<RemotePath> {

    /** S3 keys are at most 1024 bytes; ours are ASCII. */
    public static final int MAX_LENGTH = 1024;

    /** The empty path: names no object, lists everything. */
    public static final RemotePath ROOT = new RemotePath("");

    /** @throws IllegalArgumentException with a message naming the bad text and what is wrong */
    public RemotePath {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(
                    value == null ? "remote path is missing" : "invalid remote path '" + value + "': " + problem);
        }
    }

    /**
     * Parses a path; {@code ""} is {@link #ROOT}.
     *
     * @throws IllegalArgumentException with a message naming the bad text and what is wrong
     */
    public static RemotePath parse(String text) {
        return text != null && text.isEmpty() ? ROOT : new RemotePath(text);
    }

    /** The path, or empty when {@code text} is not a valid one (e.g. a foreign key in a bucket). */
    public static Optional<RemotePath> tryParse(String text) {
        return problem(text) == null ? Optional.of(parse(text)) : Optional.empty();
    }

    /**
     * Joins parts with {@code /}; each part may itself hold several segments: {@code
     * RemotePath.of("tenants", tenantId.toString(), "timelines")}.
     */
    public static RemotePath of(String first, String... more) {
        if (more.length == 0) {
            return parse(first);
        }
        StringBuilder joined = new StringBuilder(first);
        for (String part : more) {
            joined.append('/').append(part);
        }
        return parse(joined.toString());
    }

    public boolean isRoot() {
        return value.isEmpty();
    }

    /** This path with {@code child} (one or more segments, {@code a} or {@code a/b}) appended. */
    public RemotePath resolve(String child) {
        RemotePath relative = new RemotePath(child);
        if (relative.isRoot()) {
            throw new IllegalArgumentException("cannot resolve an empty child against '" + value + "'");
        }
        return resolve(relative);
    }

    /** This path with {@code child} appended; {@code ROOT} appends nothing. */
    public RemotePath resolve(RemotePath child) {
        if (child.isRoot()) {
            return this;
        }
        return isRoot() ? child : new RemotePath(value + "/" + child.value);
    }

    /**
     * The path without its last segment; {@link #ROOT} for a single segment.
     *
     * @throws IllegalStateException for {@link #ROOT}, which has no parent
     */
    public RemotePath parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root remote path has no parent");
        }
        int slash = value.lastIndexOf('/');
        return slash < 0 ? ROOT : new RemotePath(value.substring(0, slash));
    }

    /**
     * The last segment.
     *
     * @throws IllegalStateException for {@link #ROOT}, which has no segments
     */
    public String fileName() {
        if (isRoot()) {
            throw new IllegalStateException("the root remote path has no file name");
        }
        return value.substring(value.lastIndexOf('/') + 1);
    }

    public List<String> segments() {
        return isRoot() ? List.of() : Arrays.asList(value.split("/"));
    }

    /**
     * Whether {@code prefix}'s segments are this path's first segments: {@code a/b} starts with
     * {@code a}, {@code a/b} and {@link #ROOT}, but not with {@code a/} or {@code a/bc}.
     */
    public boolean startsWith(RemotePath prefix) {
        if (prefix.isRoot() || value.equals(prefix.value)) {
            return true;
        }
        return value.length() > prefix.value.length()
                && value.startsWith(prefix.value)
                && value.charAt(prefix.value.length()) == '/';
    }

    /** Throws unless this path can name an object (i.e. is not {@link #ROOT}). */
    RemotePath requireObject(String operation) {
        if (isRoot()) {
            throw new IllegalArgumentException(operation + " needs an object path, not the root");
        }
        return this;
    }

    @Override
    public int compareTo(RemotePath other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    /** What is wrong with {@code text}, or null when it is a valid path. */
    private static String problem(String text) {
        if (text == null) {
            return "missing";
        }
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        if (text.charAt(0) == '/') {
            return "must be relative (no leading '/')";
        }
        if (text.charAt(text.length() - 1) == '/') {
            return "must not end with '/'";
        }
        int segmentStart = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '/') {
                String segment = text.substring(segmentStart, i);
                if (segment.isEmpty()) {
                    return "empty segment at index " + i;
                }
                if (segment.equals(".") || segment.equals("..")) {
                    return "'.' and '..' segments are not allowed";
                }
                segmentStart = i + 1;
            } else if (!allowed(text.charAt(i))) {
                return "character '" + text.charAt(i) + "' at index " + i
                        + " is not allowed; segments use [A-Za-z0-9._-]";
            }
        }
        return null;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
    }
}
