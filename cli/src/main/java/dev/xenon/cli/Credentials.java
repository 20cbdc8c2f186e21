package dev.xenon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Where the API key and host come from, first match wins:
 *
 * <ol>
 *   <li>{@code --api-key} / {@code --api-host};
 *   <li>{@code XENON_API_KEY} (or Neon's {@code NEON_API_KEY}) / {@code XENON_API_HOST};
 *   <li>the credentials file {@code $XENON_CONFIG_DIR/credentials.json}, by default {@code
 *       ~/.config/xenon/credentials.json}: {@code {"api_key": "...", "api_host": "..."}};
 *   <li>for an API on this machine (localhost, 127.0.0.1, [::1]) only: the key {@code ./xenon up} wrote, {@code
 *       $XENON_DATA_DIR/api-key} (default {@code ~/.xenon/api-key}). The host defaults to {@value
 *       #DEFAULT_API_HOST}.
 * </ol>
 */
record Credentials(String apiHost, String apiKey, String keySource) {

    static final String DEFAULT_API_HOST = "http://127.0.0.1:8080/api/v2";

    static Credentials resolve(String apiHostOption, String apiKeyOption, Map<String, String> env, Path home) {
        Path configDir = env.containsKey("XENON_CONFIG_DIR")
                ? Path.of(env.get("XENON_CONFIG_DIR"))
                : home.resolve(".config/xenon");
        Path file = configDir.resolve("credentials.json");
        JsonNode fileConfig = readFile(file);

        String host = firstNonBlank(
                apiHostOption,
                env.get("XENON_API_HOST"),
                fileConfig.path("api_host").asString(null),
                DEFAULT_API_HOST);

        String key;
        String source;
        if (notBlank(apiKeyOption)) {
            key = apiKeyOption;
            source = "--api-key";
        } else if (notBlank(env.get("XENON_API_KEY"))) {
            key = env.get("XENON_API_KEY");
            source = "XENON_API_KEY";
        } else if (notBlank(env.get("NEON_API_KEY"))) {
            key = env.get("NEON_API_KEY");
            source = "NEON_API_KEY";
        } else if (notBlank(fileConfig.path("api_key").asString(null))) {
            key = fileConfig.path("api_key").asString();
            source = file.toString();
        } else if (isLoopback(host)) {
            // the local platform's key goes to a local API only, never to a remote host
            Path localKey = (env.containsKey("XENON_DATA_DIR")
                            ? Path.of(env.get("XENON_DATA_DIR"))
                            : home.resolve(".xenon"))
                    .resolve("api-key");
            key = readKeyFile(localKey);
            source = localKey.toString();
        } else {
            key = null;
            source = null;
        }
        if (key == null) {
            throw CliException.usage("no API key: pass --api-key, set XENON_API_KEY (or NEON_API_KEY), or write " + file
                    + " as {\"api_key\": \"...\", \"api_host\": \"...\"}");
        }
        return new Credentials(normalizeHost(host), key.strip(), source);
    }

    /** {@code http://host:8080} and {@code http://host:8080/api/v2/} both mean {@code http://host:8080/api/v2}. */
    static String normalizeHost(String host) {
        String h = host.strip();
        while (h.endsWith("/")) {
            h = h.substring(0, h.length() - 1);
        }
        if (!h.startsWith("http://") && !h.startsWith("https://")) {
            throw CliException.usage("--api-host must be an http(s) URL, e.g. " + DEFAULT_API_HOST + ": " + host);
        }
        return h.endsWith("/api/v2") ? h : h + "/api/v2";
    }

    private static boolean isLoopback(String host) {
        try {
            String h = java.net.URI.create(host.strip()).getHost();
            return h != null && (h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return ApiClient.JSON.missingNode();
        }
        try {
            return ApiClient.JSON.readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
            throw CliException.usage("cannot read " + file + " (expected {\"api_key\": \"...\"}): " + e.getMessage());
        }
    }

    private static String readKeyFile(Path file) {
        try {
            return Files.isReadable(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (notBlank(v)) {
                return v;
            }
        }
        return null;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
