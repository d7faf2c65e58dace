package dev.memorag.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * JSON for property tests: arbitrary trees, and mutations that break one field of a valid record at a time. Shared
 * with the services' tests through this module's test jar.
 */
public final class JsonTrees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {}

    /** A record value that is no JSON at all: up to 300 random bytes, or none (a tombstone). */
    public static Arbitrary<byte[]> randomValues() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300), Arbitraries.just((byte[]) null));
    }

    /** Any JSON value: scalars, or arrays and objects nested up to four deep. */
    public static Arbitrary<JsonNode> any() {
        return Arbitraries.recursive(JsonTrees::scalars, JsonTrees::containersOf, 0, 4);
    }

    /** Strings, numbers, booleans and null, favouring the values that break parsers and range checks. */
    public static Arbitrary<JsonNode> scalars() {
        return Arbitraries.oneOf(
                Arbitraries.just(NODES.nullNode()),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                awkwardStrings().map(NODES::textNode),
                Arbitraries.strings().ofMaxLength(20).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.integers().between(-3, 10).map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(new BigInteger("9223372036854775808"), new BigInteger("-99999999999999999999"))
                        .map(NODES::numberNode),
                Arbitraries.of(new BigDecimal("1e400"), new BigDecimal("1.5"), new BigDecimal("-0.0"))
                        .map(NODES::numberNode));
    }

    /** Empty, blank, huge, control characters, lone surrogates, other scripts. */
    public static Arbitrary<String> awkwardStrings() {
        return Arbitraries.of(
                "",
                " ",
                "\u0000",
                "a\u0000b",
                "\ud800",
                "\udfff\ud800",
                "é",
                "ü ☃ 😀",
                "\u202eevil",
                "a/b",
                "..",
                "__consumer_offsets",
                "x".repeat(70_000),
                "Bearer ",
                "null",
                "{}",
                "1e999");
    }

    private static Arbitrary<JsonNode> containersOf(Arbitrary<JsonNode> element) {
        Arbitrary<JsonNode> arrays = element.list().ofMaxSize(4).map(items -> {
            ArrayNode array = NODES.arrayNode();
            items.forEach(array::add);
            return array;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(
                        Arbitraries.strings().alpha().ofMaxLength(8).list().ofMaxSize(4),
                        element.list().ofSize(4))
                .as((names, values) -> {
                    ObjectNode object = NODES.objectNode();
                    for (int i = 0; i < names.size(); i++) {
                        object.set(names.get(i), values.get(i));
                    }
                    return object;
                });
        return Arbitraries.oneOf(element, arrays, objects);
    }

    /** One field of a record removed, or set to an awkward or arbitrary value, or one unknown field added. */
    public static Arbitrary<Mutation> mutations(List<String> fields) {
        Arbitrary<Mutation> removals = Arbitraries.of(fields).map(Mutation::remove);
        Arbitrary<Mutation> replacements =
                Combinators.combine(Arbitraries.of(fields), any()).as(Mutation::set);
        Arbitrary<Mutation> additions = Combinators.combine(
                        Arbitraries.strings().alpha().ofLength(3), any())
                .as((name, value) -> Mutation.set("extra" + name, value));
        return Arbitraries.oneOf(removals, replacements, additions);
    }

    /** A change to one field; {@code value} null removes it. */
    public record Mutation(String field, JsonNode value) {
        public static Mutation remove(String field) {
            return new Mutation(field, null);
        }

        public static Mutation set(String field, JsonNode value) {
            return new Mutation(field, value);
        }

        public void applyTo(ObjectNode record) {
            if (value == null) {
                record.remove(field);
            } else {
                record.set(field, value);
            }
        }

        @Override
        public String toString() {
            String shown = value == null ? "removed" : value.toString();
            return field + " " + (shown.length() > 60 ? shown.substring(0, 60) + "…" : shown);
        }
    }
}
