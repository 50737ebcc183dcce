package io.driftzero.core.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.driftzero.core.DzException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The project's JSON conventions in one place: a strict mapper (unknown fields, trailing tokens and
 * nulls for primitives are errors, never silently ignored) and RFC 8785 (JCS) canonicalisation for
 * everything that is hashed or signed.
 */
public final class Json {
  private static final ObjectMapper MAPPER = strictScalars(configure(JsonMapper.builder().build()));
  private static final ObjectMapper YAML = configure(new YAMLMapper(new YAMLFactory()));

  private Json() {}

  private static ObjectMapper configure(ObjectMapper m) {
    m.findAndRegisterModules();
    m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    m.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    m.setSerializationInclusion(JsonInclude.Include.NON_NULL);
    m.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build());
    return m;
  }

  /**
   * On the wire a value of the wrong JSON type is an error, not a guess: {@code "ttl_seconds":"60"},
   * {@code 1.5} for an integer or {@code 7} for a string are rejected with the field's path. (YAML
   * keeps Jackson's scalar rules, where an unquoted {@code 2.4} is read as the text it looks like.)
   */
  private static ObjectMapper strictScalars(ObjectMapper m) {
    m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return m;
  }

  /** The strict JSON mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The strict YAML mapper (same rules as JSON). */
  public static ObjectMapper yaml() {
    return YAML;
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  public static String pretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /** Parses {@code json} as {@code type}; the error names the offending field path. */
  public static <T> T read(String json, Class<T> type, String what) throws DzException {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonMappingException e) {
      throw new DzException(
          DzException.Kind.BAD_INPUT,
          what + ": field '" + path(e) + "': " + firstLine(e.getOriginalMessage()),
          e);
    } catch (IOException e) {
      throw new DzException(
          DzException.Kind.BAD_INPUT, what + ": not valid JSON: " + firstLine(e.getMessage()), e);
    }
  }

  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** RFC 8785 canonical bytes of {@code value} (serialised with this mapper first). */
  public static byte[] canonical(Object value) {
    try {
      String json = value instanceof JsonNode n ? MAPPER.writeValueAsString(n) : write(value);
      return new JsonCanonicalizer(json).getEncodedUTF8();
    } catch (IOException e) {
      throw new IllegalStateException("cannot canonicalise " + value.getClass().getSimpleName(), e);
    }
  }

  /** {@code "sha256:" + hex(SHA-256(bytes))}. */
  public static String sha256(byte[] bytes) {
    return "sha256:" + HexFormat.of().formatHex(digest(bytes));
  }

  public static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Dotted path of the field a mapping error is about, e.g. {@code attestation.nonce}. */
  public static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "(root)" : sb.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
