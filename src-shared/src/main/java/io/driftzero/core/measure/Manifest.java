package io.driftzero.core.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.json.YamlDoc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An approved runner environment: an id ({@code dz://env/…}), a version and the expected facts,
 * each fact one value or a list of accepted values. {@link #hash()} is {@code manifest_hash}: SHA-256
 * over the RFC 8785 canonical JSON of {@code {id, version, facts}} with every fact a sorted list, so
 * writing a value as a scalar or a one-element list, or reordering keys, does not change it. Expected
 * SHA-256 PCR values ({@code pcrs}, index → hex), when present, are part of the hash too.
 */
public record Manifest(String id, String version, String description, Map<String, List<String>> facts,
    Map<Integer, String> pcrs) {
  public static final String ID_PREFIX = "dz://env/";
  public static final String BAD_ID = "must start with '" + ID_PREFIX + "', e.g. dz://env/build-release";
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** PCRs quoted when a manifest names none: the firmware and boot chain (0-7), values not checked. */
  public static final List<Integer> DEFAULT_PCR_SELECTION = List.of(0, 1, 2, 3, 4, 5, 6, 7);
  private static final Pattern PCR_VALUE = Pattern.compile("[0-9a-f]{64}");

  public Manifest {
    Map<String, List<String>> sorted = new TreeMap<>();
    facts.forEach((k, v) -> sorted.put(k, List.copyOf(new TreeSet<>(v))));
    facts = java.util.Collections.unmodifiableMap(sorted);
    pcrs = pcrs == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(pcrs));
  }

  public Manifest(String id, String version, String description, Map<String, List<String>> facts) {
    this(id, version, description, facts, Map.of());
  }

  /** The SHA-256 PCRs a TPM quote must cover: those the manifest pins, else {@link #DEFAULT_PCR_SELECTION}. */
  public List<Integer> pcrSelection() {
    return pcrs.isEmpty() ? DEFAULT_PCR_SELECTION : List.copyOf(pcrs.keySet());
  }

  /** The same manifest with expected SHA-256 PCR values (index → lower-case hex). */
  public Manifest withPcrs(Map<Integer, String> values) {
    return new Manifest(id, version, description, facts, values);
  }

  /** The raw YAML shape; {@code facts} values are a string or a list of strings. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Raw(String id, String version, String description, Map<String, JsonNode> facts, Map<String, String> pcrs) {}

  public static Manifest load(Path file) throws DzException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT,
          "Cannot read manifest file " + file + "; check --manifest and its permissions");
    }
    YamlDoc doc = YamlDoc.parse(file.toString(), text);
    return parse(doc, doc.root(), "");
  }

  /** Parses a manifest at {@code pointer} of {@code doc} (a file of its own, or inline in a policy). */
  public static Manifest parse(YamlDoc doc, JsonNode node, String pointer) throws DzException {
    Raw raw = doc.bind(node, pointer, Raw.class);
    if (raw.id() == null || !raw.id().startsWith(ID_PREFIX) || raw.id().length() == ID_PREFIX.length()) {
      throw doc.error(pointer + "/id", BAD_ID);
    }
    if (raw.version() == null || !VERSION.matcher(raw.version()).matches()) {
      throw doc.error(pointer + "/version", "a version is required, e.g. version: \"2.4\" (quote it in YAML)");
    }
    if (raw.facts() == null || raw.facts().isEmpty()) {
      throw doc.error(pointer + "/facts", "list at least one expected fact, e.g. os.arch: amd64 (see 'dzctl manifest init')");
    }
    Map<String, List<String>> facts = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : raw.facts().entrySet()) {
      String at = pointer + "/facts/" + e.getKey().replace("~", "~0").replace("/", "~1");
      String problem = Facts.checkKey(e.getKey());
      if (problem != null) {
        throw doc.error(at, problem);
      }
      facts.put(e.getKey(), values(doc, e.getValue(), at));
    }
    return new Manifest(raw.id(), raw.version(), raw.description(), facts, pcrs(doc, raw.pcrs(), pointer + "/pcrs"));
  }

  private static Map<Integer, String> pcrs(YamlDoc doc, Map<String, String> raw, String at) throws DzException {
    Map<Integer, String> out = new TreeMap<>();
    if (raw == null) {
      return out;
    }
    for (Map.Entry<String, String> e : raw.entrySet()) {
      int idx;
      try {
        idx = Integer.parseInt(e.getKey());
      } catch (NumberFormatException ex) {
        idx = -1;
      }
      if (idx < 0 || idx > 23) {
        throw doc.error(at + "/" + e.getKey(), "a PCR index is 0 to 23");
      }
      String v = e.getValue() == null ? "" : e.getValue().toLowerCase(java.util.Locale.ROOT);
      if (!PCR_VALUE.matcher(v).matches()) {
        throw doc.error(at + "/" + e.getKey(), "expected SHA-256 PCR value as 64 hex digits (see 'dzctl tpm info')");
      }
      out.put(idx, v);
    }
    return out;
  }

  private static List<String> values(YamlDoc doc, JsonNode v, String at) throws DzException {
    List<String> out = new ArrayList<>();
    if (v != null && v.isValueNode() && !v.isNull()) {
      out.add(v.asText());
    } else if (v != null && v.isArray() && v.size() > 0) {
      for (Iterator<JsonNode> it = v.elements(); it.hasNext(); ) {
        JsonNode x = it.next();
        if (!x.isValueNode() || x.isNull()) {
          throw doc.error(at, "each accepted value must be a string");
        }
        out.add(x.asText());
      }
    } else {
      throw doc.error(at, "give the expected value as a string, or a non-empty list of accepted values");
    }
    return out;
  }

  /** A manifest that accepts exactly what was measured: what {@code dzctl manifest init} writes. */
  public static Manifest fromMeasurements(String id, String version, String description, Map<String, String> m) {
    Map<String, List<String>> facts = new TreeMap<>();
    m.forEach((k, v) -> facts.put(k, List.of(v)));
    return new Manifest(id, version, description, facts);
  }

  /** {@code manifest_hash}: {@code sha256:hex}. */
  public String hash() {
    Map<String, Object> canonical = new TreeMap<>();
    canonical.put("id", id);
    canonical.put("version", version);
    canonical.put("facts", facts);
    if (!pcrs.isEmpty()) {
      Map<String, String> p = new TreeMap<>();
      pcrs.forEach((k, v) -> p.put(String.valueOf(k), v));
      canonical.put("pcrs", p);
    }
    return Json.sha256(Json.canonical(canonical));
  }

  /** YAML text of this manifest (scalars for single values). */
  public String toYaml() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("version", version);
    if (description != null) {
      out.put("description", description);
    }
    Map<String, Object> f = new TreeMap<>();
    facts.forEach((k, v) -> f.put(k, v.size() == 1 ? v.get(0) : v));
    out.put("facts", f);
    if (!pcrs.isEmpty()) {
      Map<String, String> p = new LinkedHashMap<>();
      pcrs.forEach((k, v) -> p.put(String.valueOf(k), v));
      out.put("pcrs", p);
    }
    try {
      return Json.yaml().writeValueAsString(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
