package dev.baton.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's configuration: a properties file, overridden by environment variables.
 *
 * <p>Keys are dotted lower case ({@code kafka.bootstrap.servers}); the environment variable of a key is
 * {@code BATON_} followed by the key in upper case with dots and dashes as underscores
 * ({@code BATON_KAFKA_BOOTSTRAP_SERVERS}). The file is named by {@code --config <path>} or
 * {@code BATON_CONFIG}. Reading is strict: every typed getter records the key as known, and
 * {@link #requireNoUnknownKeys()} rejects keys in the file that no getter asked for, so a typo fails at
 * start-up instead of being ignored. Problems are collected and reported together.
 */
public final class Config {
    public static final String ENV_PREFIX = "BATON_";
    public static final String CONFIG_FILE_ENV = "BATON_CONFIG";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|token|credential).*");
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(//[^/:@\\s]+:)[^@/\\s]*@");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)((?:password|secret|token)=)[^&;\\s]*");

    private final Map<String, String> fileValues;
    private final Map<String, String> env;
    private final String source;
    private final Set<String> known = new TreeSet<>();
    private final Map<String, String> used = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    private Config(Map<String, String> fileValues, Map<String, String> env, String source) {
        this.fileValues = fileValues;
        this.env = env;
        this.source = source;
    }

    /** Loads from {@code --config <path>} in {@code args} (or {@code BATON_CONFIG}) and the environment. */
    public static Config load(String[] args, Map<String, String> env) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i])) {
                if (i + 1 >= args.length) {
                    throw new ConfigException("--config needs a file path");
                }
                file = Path.of(args[i + 1]);
                i++;
            } else {
                throw new ConfigException("unknown argument '" + args[i] + "'; usage: [--config <file.properties>]");
            }
        }
        if (file == null && env.get(CONFIG_FILE_ENV) != null && !env.get(CONFIG_FILE_ENV).isBlank()) {
            file = Path.of(env.get(CONFIG_FILE_ENV));
        }
        return file == null ? of(Map.of(), env, "environment") : of(readFile(file), env, file + " and environment");
    }

    /** A configuration from explicit values, for tests and embedding. */
    public static Config of(Map<String, String> values, Map<String, String> env, String source) {
        return new Config(new LinkedHashMap<>(values), Map.copyOf(env), source);
    }

    /** A configuration from explicit values only. */
    public static Config of(Map<String, String> values) {
        return of(values, Map.of(), "explicit values");
    }

    private static Map<String, String> readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file " + file + " does not exist");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(key -> values.put(key.trim(), props.getProperty(key).trim()));
        return values;
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private String raw(String key) {
        known.add(key);
        String fromEnv = env.get(envName(key));
        String value = fromEnv != null ? fromEnv.trim() : fileValues.get(key);
        return value == null || value.isEmpty() ? null : value;
    }

    private <T> T record(String key, String value, T parsed) {
        used.put(key, value);
        return parsed;
    }

    /** A required string; records a problem and returns null when absent. */
    public String string(String key) {
        String value = raw(key);
        if (value == null) {
            problems.add(key + " is required (or set " + envName(key) + ")");
            return null;
        }
        return record(key, value, value);
    }

    public String string(String key, String defaultValue) {
        String value = raw(key);
        return record(key, value == null ? defaultValue : value, value == null ? defaultValue : value);
    }

    public int integer(String key, int defaultValue, int min, int max) {
        String value = raw(key);
        if (value == null) {
            return record(key, String.valueOf(defaultValue), defaultValue);
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                problems.add(key + " must be between " + min + " and " + max + ", was " + parsed);
            }
            return record(key, value, parsed);
        } catch (NumberFormatException e) {
            problems.add(key + " must be an integer, was '" + value + "'");
            return defaultValue;
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        String value = raw(key);
        if (value == null) {
            return record(key, String.valueOf(defaultValue), defaultValue);
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> record(key, value, true);
            case "false", "no", "off" -> record(key, value, false);
            default -> {
                problems.add(key + " must be true or false, was '" + value + "'");
                yield defaultValue;
            }
        };
    }

    /** A duration written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} (a bare number is milliseconds). */
    public Duration duration(String key, Duration defaultValue) {
        String value = raw(key);
        if (value == null) {
            return record(key, defaultValue.toMillis() + "ms", defaultValue);
        }
        Matcher matcher = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            problems.add(key + " must be a duration such as 250ms, 5s or 2m, was '" + value + "'");
            return defaultValue;
        }
        String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
        Duration parsed;
        try {
            long amount = Long.parseLong(matcher.group(1));
            parsed = switch (unit) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofMillis(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            // Too many digits for a long, or too long a Duration: a bad value to report, not a crash.
            problems.add(key + " must be a duration such as 250ms, 5s or 2m, was '" + value + "'");
            return defaultValue;
        }
        return record(key, value, parsed);
    }

    /** Adds a problem found by a service's own validation, reported with the others. */
    public void problem(String problem) {
        problems.add(problem);
    }

    /**
     * Fails when any getter reported a problem or the file holds keys no getter asked for.
     *
     * @throws ConfigException listing every problem
     */
    public void requireNoUnknownKeys() {
        List<String> all = new ArrayList<>(problems);
        for (String key : fileValues.keySet()) {
            if (!known.contains(key)) {
                all.add("unknown key '" + key + "' in " + source + "; known keys: " + String.join(", ", known));
            }
        }
        if (!all.isEmpty()) {
            throw new ConfigException(all);
        }
    }

    /** Environment variables with the Baton prefix that match no known key: likely typos, worth a warning. */
    public List<String> unknownEnvironmentVariables() {
        Set<String> knownEnv = new TreeSet<>();
        known.forEach(key -> knownEnv.add(envName(key)));
        knownEnv.add(CONFIG_FILE_ENV);
        return env.keySet().stream().filter(name -> name.startsWith(ENV_PREFIX) && !knownEnv.contains(name)).sorted().toList();
    }

    /** Every value in use, one {@code key=value} per line, secrets masked: safe to log. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        used.forEach((key, value) -> out.append(key).append('=').append(mask(key, value)).append('\n'));
        return out.toString();
    }

    /**
     * {@code value}, or {@code ****} when {@code key} names a secret; credentials inside a URL value
     * ({@code //user:secret@host}, {@code password=secret}) are masked too.
     */
    public static String mask(String key, String value) {
        if (value == null) {
            return null;
        }
        if (SECRET.matcher(key).matches()) {
            return "****";
        }
        String masked = URL_CREDENTIALS.matcher(value).replaceAll("$1****@");
        return URL_PASSWORD.matcher(masked).replaceAll("$1****");
    }
}
