package dev.xenon.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A compute generation on a timeline. WAL nodes accept WAL only from the compute of their current
 * term; a new compute first makes a majority accept a higher term, which fences every older one.
 */
public record Term(@JsonValue long value) implements Comparable<Term> {

    public static final Term ZERO = new Term(0);

    public Term {
        if (value < 0) {
            throw new IllegalArgumentException("invalid term " + value + ": must not be negative");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Term of(long value) {
        return new Term(value);
    }

    public static Term parse(String text) {
        try {
            return new Term(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid term '" + text + "': expected a non-negative integer");
        }
    }

    public Term next() {
        return new Term(value + 1);
    }

    public boolean isAfter(Term other) {
        return value > other.value;
    }

    @Override
    public int compareTo(Term other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
