package dev.memorag.settings;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One setting: its environment variable, the CLI flag derived from it ({@code MEMORAG_ANSWER_TIMEOUT} is {@code
 * --answer-timeout}), how a value is parsed and printed, its default (fixed, or derived from other settings), one line
 * of documentation and, for a closed set, the values allowed. Settings are declared once, in {@link
 * SettingsCatalogue}; {@link Settings} holds resolved values.
 *
 * @param <T> the type of a value; null stands for "unset" where the default is unset
 */
public final class Setting<T> {
    private static final String PREFIX = "MEMORAG_";

    /** Who reads a setting. */
    public enum Scope {
        /** The stack's processes: an option of {@code bin/memorag up} and of the per-service commands. */
        STACK,
        /** The client commands ({@code ask}, {@code ingest}). */
        CLIENT,
        /** {@code bin/memorag} itself, before the JVM starts: no CLI option. */
        LAUNCHER
    }

    private final String env;
    private final String label;
    private final Function<String, T> parser;
    private final Function<T, String> printer;
    private final T fallback;
    private final String doc;
    private final List<String> allowed;
    // set while the catalogue declares the setting, then never again
    private Function<Settings, T> derived;
    private String defaultText;
    private Scope scope = Scope.STACK;

    private Setting(
            String env,
            String label,
            Function<String, T> parser,
            Function<T, String> printer,
            T fallback,
            String doc,
            List<String> allowed) {
        if (!env.startsWith(PREFIX) || !env.matches("[A-Z0-9_]+")) {
            throw new IllegalArgumentException("a setting's variable is MEMORAG_ and upper case: " + env);
        }
        this.env = env;
        this.label = label;
        this.parser = parser;
        this.printer = printer;
        this.fallback = fallback;
        this.doc = doc;
        this.allowed = allowed;
    }

    static Setting<String> text(String env, String fallback, String doc) {
        return new Setting<>(env, "text", raw -> raw, value -> value, fallback, doc, List.of());
    }

    static Setting<Integer> integer(String env, Integer fallback, int min, String doc) {
        return new Setting<>(
                env, "int", raw -> atLeast(Integer.parseInt(raw), min), String::valueOf, fallback, doc, List.of());
    }

    /** A size in bytes, at least 0. */
    static Setting<Long> bytes(String env, long fallback, String doc) {
        return new Setting<>(
                env, "bytes", raw -> atLeast(Long.parseLong(raw), 0L), String::valueOf, fallback, doc, List.of());
    }

    /** A rate, above 0. */
    static Setting<Double> rate(String env, double fallback, String doc) {
        return new Setting<>(
                env,
                "number",
                raw -> {
                    double value = Double.parseDouble(raw);
                    if (!(value > 0) || Double.isInfinite(value)) {
                        throw new IllegalArgumentException("must be a number above 0");
                    }
                    return value;
                },
                value -> BigDecimal.valueOf(value).stripTrailingZeros().toPlainString(),
                fallback,
                doc,
                List.of());
    }

    /** An ISO-8601 duration above zero, e.g. {@code PT1S}. */
    static Setting<Duration> duration(String env, Duration fallback, String doc) {
        return new Setting<>(
                env,
                "duration",
                raw -> {
                    Duration value = Duration.parse(raw);
                    if (value.isNegative() || value.isZero()) {
                        throw new IllegalArgumentException("must be above zero");
                    }
                    return value;
                },
                Duration::toString,
                fallback,
                doc,
                List.of());
    }

    static Setting<Path> path(String env, Path fallback, String doc) {
        return new Setting<>(env, "path", Path::of, Path::toString, fallback, doc, List.of());
    }

    /** An absolute http(s) URL. */
    static Setting<URI> url(String env, URI fallback, String doc) {
        return new Setting<>(
                env,
                "url",
                raw -> {
                    URI value = URI.create(raw);
                    if (value.getScheme() == null || !value.getScheme().matches("https?") || value.getHost() == null) {
                        throw new IllegalArgumentException("must be an http:// or https:// URL");
                    }
                    return value;
                },
                URI::toString,
                fallback,
                doc,
                List.of());
    }

    static Setting<Boolean> bool(String env, boolean fallback, String doc) {
        return new Setting<>(
                env,
                "true|false",
                raw -> switch (raw.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "1" -> true;
                    case "false", "no", "0" -> false;
                    default -> throw new IllegalArgumentException("choose from true, false");
                },
                String::valueOf,
                fallback,
                doc,
                List.of("true", "false"));
    }

    /** A Java regular expression over a whole name. */
    static Setting<Pattern> regex(String env, String fallback, String doc) {
        return new Setting<>(
                env, "regex", Pattern::compile, Pattern::pattern, Pattern.compile(fallback), doc, List.of());
    }

    /** One value of a closed set, named by its lower-case name. */
    static <E extends Enum<E>> Setting<E> choice(String env, Class<E> type, E fallback, String doc) {
        List<String> names = wires(type);
        return new Setting<>(
                env, String.join("|", names), raw -> valueOf(type, raw), Setting::wire, fallback, doc, names);
    }

    /** A comma list of values of a closed set, at least one. */
    static <E extends Enum<E>> Setting<Set<E>> choices(String env, Class<E> type, Set<E> fallback, String doc) {
        List<String> names = wires(type);
        return new Setting<>(
                env,
                String.join(",", names),
                raw -> {
                    Set<E> values = EnumSet.noneOf(type);
                    Arrays.stream(raw.split(","))
                            .map(String::strip)
                            .filter(s -> !s.isEmpty())
                            .forEach(s -> values.add(valueOf(type, s)));
                    if (values.isEmpty()) {
                        throw new IllegalArgumentException("name at least one of " + String.join(", ", names));
                    }
                    return Collections.unmodifiableSet(values);
                },
                values -> values.stream().map(Setting::wire).collect(Collectors.joining(",")),
                fallback,
                doc,
                names);
    }

    /**
     * The default is computed from other settings when this one is not given; {@code text} says how, for the
     * documentation. The catalogue declares those settings first.
     */
    Setting<T> derivedFrom(Function<Settings, T> rule, String text) {
        this.derived = rule;
        this.defaultText = text;
        return this;
    }

    /** What an unset value means, for settings without a default value. */
    Setting<T> unsetMeans(String text) {
        this.defaultText = text;
        return this;
    }

    Setting<T> scope(Scope scope) {
        this.scope = scope;
        return this;
    }

    public String env() {
        return env;
    }

    /** The CLI option: the variable's name after {@code MEMORAG_}, lower case, with dashes. */
    public String flag() {
        return "--" + env.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** How values are written: the allowed values of a closed set, else the kind of value. */
    public String label() {
        return label;
    }

    public String doc() {
        return doc;
    }

    /** The values a closed set allows, in their written form; empty for an open one. */
    public List<String> allowed() {
        return allowed;
    }

    public Scope scope() {
        return scope;
    }

    /** The default as documented: how a derived or unset default is found, else the default value written out. */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        return fallback == null ? "unset" : "`" + print(fallback) + "`";
    }

    /** The default of this setting when {@code settings} do not give it. */
    T defaultIn(Settings settings) {
        return derived != null ? derived.apply(settings) : fallback;
    }

    /** The fixed default value, or null where it is derived or unset. */
    public T fixedDefault() {
        return derived != null ? null : fallback;
    }

    public String print(T value) {
        return printer.apply(value);
    }

    /**
     * A written value, from {@code source} (where it was found, for the message): a value that does not parse is a
     * {@link SettingException} naming the variable, the flag and, for a closed set, the allowed values.
     */
    public T parse(String raw, String source) {
        try {
            return parser.apply(raw.strip());
        } catch (RuntimeException e) {
            String reason = allowed.isEmpty() ? e.getMessage() : "choose from " + String.join(", ", allowed);
            throw new SettingException(this + ": '" + raw + "' " + source + " is not valid: " + reason, e);
        }
    }

    /** The variable and its flag, as messages name a setting. */
    @Override
    public String toString() {
        return scope == Scope.LAUNCHER ? env : env + " (" + flag() + ")";
    }

    private static <N extends Comparable<N>> N atLeast(N value, N min) {
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException("must be at least " + min);
        }
        return value;
    }

    private static <E extends Enum<E>> E valueOf(Class<E> type, String raw) {
        for (E value : type.getEnumConstants()) {
            if (wire(value).equals(raw.strip().toLowerCase(Locale.ROOT))) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown value '" + raw + "'");
    }

    private static List<String> wires(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(Setting::wire).toList();
    }

    private static String wire(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
