package io.driftzero.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.core.DzException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document kept with the line of every value, so that validation errors found after parsing
 * (an unknown manifest reference, a bad pattern) still say {@code file:line: field: what to do}.
 */
public final class YamlDoc {
  private final String source;
  private final JsonNode root;
  private final Map<String, Integer> lines;

  private YamlDoc(String source, JsonNode root, Map<String, Integer> lines) {
    this.source = source;
    this.root = root;
    this.lines = lines;
  }

  /** Parses {@code text}; {@code source} (a file name) prefixes every error. */
  public static YamlDoc parse(String source, String text) throws DzException {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = Json.yaml().getFactory().createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
          String ptr = p.getParsingContext().pathAsPointer().toString();
          lines.putIfAbsent(ptr, p.currentTokenLocation().getLineNr());
        }
      }
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT, source + ": not valid YAML: " + firstLine(e));
    }
    try {
      JsonNode root = Json.yaml().readTree(text);
      if (root == null || !root.isObject()) {
        throw new DzException(DzException.Kind.BAD_INPUT, source + ":1: the document must be a mapping");
      }
      return new YamlDoc(source, root, lines);
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT, source + ": not valid YAML: " + firstLine(e));
    }
  }

  public JsonNode root() {
    return root;
  }

  public String source() {
    return source;
  }

  /** Line of the value at a JSON pointer ({@code /policies/0/max_ttl_seconds}), or of its nearest parent. */
  public int line(String pointer) {
    String p = pointer;
    while (true) {
      Integer l = lines.get(p);
      if (l != null) {
        return l;
      }
      int slash = p.lastIndexOf('/');
      if (slash <= 0) {
        return 1;
      }
      p = p.substring(0, slash);
    }
  }

  /** An error at a pointer: {@code policy.yaml:12: policies[0].max_ttl_seconds: message}. */
  public DzException error(String pointer, String message) {
    return new DzException(DzException.Kind.BAD_INPUT,
        source + ":" + line(pointer) + ": " + dotted(pointer) + ": " + message);
  }

  /** Binds {@code node} (at {@code pointer}) to {@code type}; errors carry file, line and field. */
  public <T> T bind(JsonNode node, String pointer, Class<T> type) throws DzException {
    try {
      return Json.yaml().treeToValue(node, type);
    } catch (JsonMappingException e) {
      StringBuilder ptr = new StringBuilder(pointer);
      for (JsonMappingException.Reference r : e.getPath()) {
        ptr.append('/').append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
      }
      String msg = e.getOriginalMessage();
      if (msg != null && msg.startsWith("Unrecognized field")) {
        msg = "unknown field; check its spelling against docs/policy-reference.md";
      }
      throw error(ptr.toString(), firstLine(msg));
    } catch (IOException e) {
      throw error(pointer, firstLine(e.getMessage()));
    }
  }

  /** {@code /policies/0/max_ttl_seconds} → {@code policies[0].max_ttl_seconds}. */
  public static String dotted(String pointer) {
    if (pointer.isEmpty() || pointer.equals("/")) {
      return "(document)";
    }
    StringBuilder sb = new StringBuilder();
    for (String part : pointer.substring(1).split("/")) {
      if (part.chars().allMatch(Character::isDigit) && !part.isEmpty()) {
        sb.append('[').append(part).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return sb.toString();
  }

  private static String firstLine(Object o) {
    String s = o instanceof Throwable t ? t.getMessage() : String.valueOf(o);
    if (s == null) {
      return "";
    }
    if (o instanceof com.fasterxml.jackson.core.JsonProcessingException jpe) {
      JsonLocation loc = jpe.getLocation();
      s = jpe.getOriginalMessage() + (loc != null ? " (line " + loc.getLineNr() + ")" : "");
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
