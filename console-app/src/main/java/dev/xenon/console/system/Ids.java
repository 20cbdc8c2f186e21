package dev.xenon.console.system;

import java.security.SecureRandom;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Ids in Neon's style: projects {@code adjective-noun-12345678}, branches {@code
 * br-adjective-noun-a1b2c3d4}, endpoints {@code ep-adjective-noun-a1b2c3d4}. All are lowercase
 * letters, digits and dashes, at most 40 characters: valid DNS labels, so an endpoint id can lead a
 * host name ({@code ep-...<proxy domain>}). Thread-safe.
 */
public final class Ids {

    static final List<String> ADJECTIVES = List.of(
            "ancient",
            "autumn",
            "billowing",
            "bitter",
            "black",
            "blue",
            "bold",
            "broad",
            "broken",
            "calm",
            "cold",
            "cool",
            "crimson",
            "curly",
            "damp",
            "dark",
            "dawn",
            "delicate",
            "divine",
            "dry",
            "empty",
            "falling",
            "fancy",
            "flat",
            "floral",
            "fragrant",
            "frosty",
            "gentle",
            "green",
            "hidden",
            "holy",
            "icy",
            "jolly",
            "late",
            "lingering",
            "little",
            "lively",
            "long",
            "lucky",
            "misty",
            "morning",
            "muddy",
            "mute",
            "nameless",
            "noisy",
            "odd",
            "old",
            "orange",
            "patient",
            "plain",
            "polished",
            "proud",
            "purple",
            "quiet",
            "rapid",
            "raspy",
            "red",
            "restless",
            "rough",
            "round",
            "royal",
            "shiny",
            "shrill",
            "shy",
            "silent",
            "small",
            "snowy",
            "soft",
            "solitary",
            "sparkling",
            "spring",
            "square",
            "steep",
            "still",
            "summer",
            "super",
            "sweet",
            "throbbing",
            "tight",
            "tiny",
            "twilight",
            "wandering",
            "weathered",
            "white",
            "wild",
            "winter",
            "wispy",
            "withered",
            "yellow",
            "young");

    static final List<String> NOUNS = List.of(
            "art",
            "band",
            "bar",
            "base",
            "bird",
            "block",
            "boat",
            "bonus",
            "bread",
            "breeze",
            "brook",
            "bush",
            "butterfly",
            "cake",
            "cell",
            "cherry",
            "cloud",
            "credit",
            "darkness",
            "dew",
            "disk",
            "dream",
            "dust",
            "feather",
            "field",
            "fire",
            "firefly",
            "flower",
            "fog",
            "forest",
            "frog",
            "frost",
            "glade",
            "glitter",
            "grass",
            "hall",
            "hat",
            "haze",
            "heart",
            "hill",
            "king",
            "lab",
            "lake",
            "leaf",
            "limit",
            "math",
            "meadow",
            "mode",
            "moon",
            "morning",
            "mountain",
            "mouse",
            "mud",
            "night",
            "paper",
            "pine",
            "poetry",
            "pond",
            "queen",
            "rain",
            "recipe",
            "resonance",
            "rice",
            "river",
            "salad",
            "scene",
            "sea",
            "shadow",
            "shape",
            "silence",
            "sky",
            "smoke",
            "snow",
            "snowflake",
            "sound",
            "star",
            "sun",
            "sunset",
            "surf",
            "term",
            "thunder",
            "tooth",
            "tree",
            "truth",
            "union",
            "unit",
            "violet",
            "voice",
            "water",
            "waterfall",
            "wave",
            "wildflower",
            "wind",
            "wood");

    private static final char[] ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    public static final Pattern PROJECT_ID = Pattern.compile("[a-z]+-[a-z]+-[0-9]{8}");
    public static final Pattern BRANCH_ID = Pattern.compile("br-[a-z]+-[a-z]+-[a-z0-9]{8}");
    public static final Pattern ENDPOINT_ID = Pattern.compile("ep-[a-z]+-[a-z]+-[a-z0-9]{8}");

    private final RandomGenerator random;

    public Ids() {
        this(new SecureRandom());
    }

    /** With a given generator (tests). */
    public Ids(RandomGenerator random) {
        this.random = random;
    }

    public String project() {
        return words() + "-" + String.format("%08d", random.nextInt(100_000_000));
    }

    public String branch() {
        return "br-" + words() + "-" + suffix();
    }

    public String endpoint() {
        return "ep-" + words() + "-" + suffix();
    }

    private String words() {
        return ADJECTIVES.get(random.nextInt(ADJECTIVES.size())) + "-" + NOUNS.get(random.nextInt(NOUNS.size()));
    }

    private String suffix() {
        char[] out = new char[8];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)];
        }
        return new String(out);
    }
}
