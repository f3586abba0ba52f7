package io.promethium.config.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.promethium.api.config.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads YAML text into a located tree. Thread-safe; the factory is immutable once built. */
public final class YamlReader {

    /**
     * EMPTY_STRING_AS_NULL makes Jackson tell a plain empty value ({@code global:}) from a quoted
     * one ({@code global: ""}); the first is YAML null to Go's parser, the second a string.
     */
    private final YAMLFactory factory = new KeyTagFactory();

    /** A factory whose parsers tell a mapping key's tag ({@code !!binary "/w==": v}), which Jackson drops. */
    private static final class KeyTagFactory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        KeyTagFactory() {
            super(YAMLFactory.builder().configure(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.EMPTY_STRING_AS_NULL, true));
        }

        @Override
        protected com.fasterxml.jackson.dataformat.yaml.YAMLParser _createParser(java.io.Reader r,
                com.fasterxml.jackson.core.io.IOContext ctxt) {
            return new KeyTagParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
        }
    }

    private static final class KeyTagParser extends com.fasterxml.jackson.dataformat.yaml.YAMLParser {
        KeyTagParser(com.fasterxml.jackson.core.io.IOContext ctxt, int parserFeatures, int yamlFeatures,
                org.yaml.snakeyaml.LoaderOptions options, com.fasterxml.jackson.core.ObjectCodec codec, java.io.Reader r) {
            super(ctxt, parserFeatures, yamlFeatures, options, codec, r);
        }

        /** The tag of the key just read (a FIELD_NAME), or null. */
        String keyTag() {
            return _lastEvent instanceof org.yaml.snakeyaml.events.ScalarEvent e ? e.getTag() : null;
        }

        /** The anchor of the node whose first token was just read ({@code &name}), or null. */
        String anchor() {
            return _lastEvent instanceof org.yaml.snakeyaml.events.NodeEvent e
                    && !(_lastEvent instanceof org.yaml.snakeyaml.events.AliasEvent) ? e.getAnchor() : null;
        }

        /** The anchor an alias just read ({@code *name}) refers to, or null when the token is no alias. */
        String alias() {
            return _lastEvent instanceof org.yaml.snakeyaml.events.AliasEvent e ? e.getAnchor() : null;
        }

        /** Whether the key just read was a plain scalar without a tag. */
        boolean keyPlain() {
            return _lastEvent instanceof org.yaml.snakeyaml.events.ScalarEvent e && e.getTag() == null
                    && e.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN;
        }
    }

    /**
     * Parses a whole document. Anchors, aliases and merge keys ({@code <<: *base}) are resolved as
     * Go's YAML (yaml.v2, which Prometheus and Alertmanager read their files with) resolves them.
     *
     * @param file the name used in locations and errors
     * @return the root node; an empty document is an empty mapping
     * @throws ConfigException with file, line and column for malformed YAML or duplicate keys
     */
    public YamlNode read(String file, String text) throws ConfigException {
        rejectUnpairedSurrogates(file, text);
        try (JsonParser parser = factory.createParser(new java.io.StringReader(text))) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return new YamlNode.Mapping(Map.of(), new Location(file, 1, 1));
            }
            // The factory makes KeyTagParsers only.
            return new Reading(file, (KeyTagParser) parser).value();
        } catch (IOException e) {
            throw new ConfigException(describe(file, e));
        }
    }

    /** The state of one read: the anchors seen so far and how much the aliases expand the tree. */
    private static final class Reading {
        private final String file;
        private final KeyTagParser parser;
        /** Anchored nodes, with the number of nodes each stands for once its own aliases are expanded. */
        private final Map<String, Anchored> anchors = new java.util.HashMap<>();
        /** Anchors whose node is still being read: an alias to one would make the node contain itself. */
        private final java.util.Set<String> open = new java.util.HashSet<>();
        /** Nodes of the tree with every alias expanded, and how many of them came from aliases. */
        private long nodes;
        private long aliasNodes;

        private record Anchored(YamlNode node, long size) {
        }

        Reading(String file, KeyTagParser parser) {
            this.file = file;
            this.parser = parser;
        }

        YamlNode value() throws IOException, ConfigException {
            String alias = parser.alias();
            if (alias != null) {
                return alias(alias);
            }
            String name = parser.anchor();
            if (name == null) {
                return node();
            }
            long before = nodes;
            open.add(name);
            YamlNode node = node();
            open.remove(name);
            anchors.put(name, new Anchored(node, nodes - before));
            return node;
        }

        private YamlNode alias(String name) throws ConfigException {
            Location location = location(file, parser.currentTokenLocation());
            if (open.contains(name)) {
                throw new ConfigException(location + ": invalid YAML: anchor '" + name + "' value contains itself");
            }
            Anchored anchored = anchors.get(name);
            if (anchored == null) {
                throw new ConfigException(location + ": invalid YAML: unknown anchor '" + name + "' referenced");
            }
            // The tree shares the anchored node, but whoever walks it walks every expansion: a few
            // lines of nested aliases (a "billion laughs") would stand for more nodes than memory
            // holds. Refused as yaml.v2 refuses it, by the share of the nodes aliases make.
            nodes += anchored.size();
            aliasNodes += anchored.size();
            if (aliasNodes > 100 && nodes > 1000 && (double) aliasNodes / nodes > allowedAliasRatio(nodes)) {
                throw new ConfigException(location + ": invalid YAML: document contains excessive aliasing");
            }
            return anchored.node();
        }

        /** yaml.v2's bound: 99% of a small document may come from aliases, 10% of a very large one. */
        private static double allowedAliasRatio(long nodes) {
            if (nodes <= 400_000) {
                return 0.99;
            }
            if (nodes >= 4_000_000) {
                return 0.10;
            }
            return 0.99 - 0.89 * ((nodes - 400_000) / 3_600_000.0);
        }

        private YamlNode node() throws IOException, ConfigException {
            nodes++;
            Location location = location(file, parser.currentTokenLocation());
            JsonToken token = parser.currentToken();
            switch (token) {
                case START_OBJECT -> {
                    return mapping(location);
                }
                case START_ARRAY -> {
                    List<YamlNode> items = new ArrayList<>();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        items.add(value());
                    }
                    return new YamlNode.Sequence(items, location);
                }
                case VALUE_NULL -> {
                    // A plain empty value keeps its text "" (string settings read it as ""), unquoted,
                    // so a section or list written as nothing is told apart: see Scalar#isPlainEmpty.
                    String text = parser.getText();
                    if (text != null && text.isEmpty()) {
                        return new YamlNode.Scalar("", false, location);
                    }
                    return new YamlNode.Scalar(null, false, location);
                }
                case VALUE_EMBEDDED_OBJECT -> {
                    // A !!binary scalar: its bytes, as Go's YAML gives them to Prometheus.
                    Object value = parser.getEmbeddedObject();
                    if (value instanceof byte[] bytes) {
                        return new YamlNode.Scalar(bytesAsText(bytes), true, location);
                    }
                    return new YamlNode.Scalar(parser.getText(), true, location);
                }
                default -> {
                    String text = parser.getText();
                    // Jackson types plain scalars (12, true, 1.5) itself; anything it reports as a
                    // string was either quoted or not a number or boolean.
                    return new YamlNode.Scalar(text, token == JsonToken.VALUE_STRING, location);
                }
            }
        }

        /**
         * A mapping, its merge keys applied as yaml.v2 applies them: in file order, each merged
         * mapping's keys set over what is there (of a list of mappings, the earlier win), and a key
         * written after the merge set over it. Only a key written twice is an error.
         */
        private YamlNode.Mapping mapping(Location location) throws IOException, ConfigException {
            Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
            Map<String, YamlNode.Entry> written = new java.util.HashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                boolean plain = parser.keyPlain();
                boolean merge = "<<".equals(key) && (plain || isMergeTag(parser.keyTag()));
                if (isBinaryTag(parser.keyTag())) {
                    // A !!binary key: its bytes, as Go's YAML gives them (labelname.bad.yml's "\xff").
                    key = bytesAsText(decodeBase64(file, parser, key));
                }
                Location keyLocation = location(file, parser.currentTokenLocation());
                parser.nextToken();
                YamlNode value = value();
                if (merge) {
                    merge(value, entries);
                    continue;
                }
                YamlNode.Entry before = written.get(key);
                if (before != null) {
                    throw new ConfigException(keyLocation + ": mapping key \"" + key + "\" already defined at line "
                            + before.keyLocation().line());
                }
                YamlNode.Entry entry = new YamlNode.Entry(key, keyLocation, value, plain);
                written.put(key, entry);
                entries.remove(key);
                entries.put(key, entry);
            }
            return new YamlNode.Mapping(entries, location);
        }

        private static void merge(YamlNode value, Map<String, YamlNode.Entry> into) throws ConfigException {
            switch (value) {
                case YamlNode.Mapping m -> into.putAll(m.entries());
                case YamlNode.Sequence s -> {
                    for (int i = s.items().size() - 1; i >= 0; i--) {
                        if (!(s.items().get(i) instanceof YamlNode.Mapping m)) {
                            throw wantMap(s.items().get(i));
                        }
                        into.putAll(m.entries());
                    }
                }
                default -> throw wantMap(value);
            }
        }

        private static ConfigException wantMap(YamlNode value) {
            return new ConfigException(value.location() + ": invalid YAML: map merge requires map or sequence of maps as the value");
        }
    }

    private static boolean isMergeTag(String tag) {
        return "tag:yaml.org,2002:merge".equals(tag) || "!!merge".equals(tag);
    }

    private static boolean isBinaryTag(String tag) {
        return "tag:yaml.org,2002:binary".equals(tag) || "!!binary".equals(tag);
    }

    private static byte[] decodeBase64(String file, JsonParser parser, String text) throws ConfigException {
        try {
            return java.util.Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(location(file, parser.currentTokenLocation()) + ": invalid YAML: !!binary value contains invalid base64 data");
        }
    }

    /**
     * Bytes as text; a byte that is not part of valid UTF-8 becomes an unpaired surrogate
     * (U+DC80..U+DCFF, as Python's surrogateescape), so the checks for valid UTF-8 names and
     * values refuse it at its position instead of it being silently replaced.
     */
    static String bytesAsText(byte[] bytes) {
        java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length * 2 + 1);
        while (true) {
            java.nio.charset.CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                decoder.flush(out);
                break;
            }
            for (int i = 0; i < result.length(); i++) {
                out.put((char) (0xDC00 | (in.get() & 0xFF)));
            }
        }
        return out.flip().toString();
    }

    private static Location location(String file, JsonLocation location) {
        return new Location(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }

    /**
     * A lone UTF-16 surrogate is no Unicode character, so no YAML document holds one (text decoded
     * from UTF-8 never does). Refused here, with its position, because SnakeYAML's reader fails
     * with an IndexOutOfBoundsException when a high surrogate ends its 1,024-character buffer.
     */
    private static void rejectUnpairedSurrogates(String file, String text) throws ConfigException {
        int line = 1;
        int column = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                column++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                throw new ConfigException(file + ":" + line + ":" + column + ": invalid YAML: unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " is not a character");
            }
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
    }

    private static String describe(String file, IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
            JsonLocation l = jpe.getLocation();
            return file + ":" + l.getLineNr() + ":" + l.getColumnNr() + ": invalid YAML: " + jpe.getOriginalMessage();
        }
        return file + ": invalid YAML: " + e.getMessage();
    }
}
