package io.driftzero.cli.wrappers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The component template against GitLab's rules for CI/CD components and {@code spec: inputs}
 * (docs.gitlab.com/ci/components, /ci/inputs), read with a real YAML parser: a header with only
 * {@code spec:} and a body, separated by {@code ---}; every interpolation well-formed and naming a
 * declared input; every input used, typed, described, with a default of its type inside its options.
 */
class GitLabComponentTemplateTest {
  static final Path TEMPLATE = GitHubActionFilesTest.REPO.resolve("gitlab-component/templates/driftzero-attest.yml");
  static final Set<String> TYPES = Set.of("string", "boolean", "number", "array");
  static final Pattern INTERPOLATION = Pattern.compile("\\$\\[\\[\\s*inputs\\.([A-Za-z0-9_-]+)\\s*\\]\\]");
  /** Words YAML 1.1 (GitLab's Ruby parser) reads as booleans when unquoted. */
  static final Pattern YAML11_BOOL = Pattern.compile("(?i)^(y|n|yes|no|on|off|true|false)$");

  static String text;
  static String header;
  static String body;
  static JsonNode spec;
  static JsonNode jobs;

  @BeforeAll
  static void parse() throws Exception {
    text = Files.readString(TEMPLATE, UTF_8);
    String[] parts = text.split("(?m)^---\\s*$", -1);
    assertEquals(2, parts.length, "one header and one body, separated by a '---' line");
    header = parts[0];
    body = parts[1];
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(text)) {
      it.forEachRemaining(docs::add);
    }
    assertEquals(2, docs.size(), "two YAML documents");
    assertEquals(List.of("spec"), names(docs.get(0)), "the header holds only spec:");
    assertEquals(List.of("inputs"), names(docs.get(0).get("spec")), "spec: holds inputs:");
    spec = docs.get(0).at("/spec/inputs");
    jobs = docs.get(1);
  }

  @Test
  void everyInterpolationIsWellFormedAndNamesADeclaredInput() {
    int opened = count(body, "$[[");
    int closed = count(body, "]]");
    Matcher m = INTERPOLATION.matcher(body);
    Set<String> used = new TreeSet<>();
    int wellFormed = 0;
    while (m.find()) {
      wellFormed++;
      used.add(m.group(1));
      assertTrue(spec.has(m.group(1)), "interpolates undeclared input '" + m.group(1) + "'");
    }
    assertEquals(opened, wellFormed, "every $[[ is a well-formed $[[ inputs.NAME ]]");
    assertEquals(opened, closed, "every $[[ is closed");
    assertEquals(0, count(header, "$[["), "no interpolation in the header");
    assertEquals(new TreeSet<>(names(spec)), used, "every declared input is used, and only those");
  }

  @Test
  void everyInputIsTypedDescribedAndDefaultedConsistently() {
    spec.fields().forEachRemaining(e -> {
      String name = e.getKey();
      JsonNode in = e.getValue();
      String type = in.path("type").asText();
      assertTrue(TYPES.contains(type), name + ": type is one of " + TYPES + ", got '" + type + "'");
      assertFalse(in.path("description").asText().isBlank(), name + ": has a description");
      assertTrue(in.has("default"), name + ": has a default (inputs without one are mandatory)");
      JsonNode def = in.get("default");
      switch (type) {
        case "string" -> assertTrue(def.isTextual(), name + ": default is a string");
        case "boolean" -> assertTrue(def.isBoolean(), name + ": default is a boolean");
        case "number" -> assertTrue(def.isNumber(), name + ": default is a number");
        case "array" -> assertTrue(def.isArray(), name + ": default is an array");
        default -> throw new AssertionError(type);
      }
      if (in.has("options")) {
        assertTrue(type.equals("string") || type.equals("number"), name + ": options only for string and number");
        List<JsonNode> options = new ArrayList<>();
        in.get("options").forEach(options::add);
        assertTrue(options.contains(def), name + ": default '" + def + "' is one of the options " + options);
        options.forEach(o -> assertEquals(def.getNodeType(), o.getNodeType(), name + ": option " + o + " has the input's type"));
      }
      assertTrue(Set.of("type", "description", "default", "options", "regex").containsAll(names(in)),
          name + ": only keys GitLab knows: " + names(in));
    });
  }

  @Test
  void optionsThatYaml11ReadsAsBooleansAreQuoted() {
    // GitLab parses with YAML 1.1: an unquoted `off` would be the boolean false, not the option "off".
    Matcher options = Pattern.compile("(?m)^\\s+options:\\s*\\[(.*)]\\s*$").matcher(header);
    while (options.find()) {
      for (String raw : options.group(1).split(",")) {
        String v = raw.trim();
        assertFalse(YAML11_BOOL.matcher(v).matches(), "quote YAML 1.1 boolean word in options: " + v);
      }
    }
  }

  @Test
  void oneJobNamedByInputWithItsStageRulesAndPinnedImage() {
    List<String> visible = names(jobs).stream().filter(n -> !n.startsWith(".")).toList();
    assertEquals(List.of("$[[ inputs.as ]]"), visible, "one job per template, named by the 'as' input");
    JsonNode job = jobs.get("$[[ inputs.as ]]");
    assertEquals("$[[ inputs.stage ]]", job.path("stage").asText());
    assertEquals("$[[ inputs.rules ]]", job.path("rules").asText());
    assertEquals(".driftzero-deploy", job.path("extends").asText());
    JsonNode deploy = jobs.get(".driftzero-deploy");
    assertEquals("$[[ inputs.image ]]", deploy.path("image").asText());
    assertTrue(spec.at("/image/default").asText().matches("[^:@\\s]+(/[^:@\\s]+)*:[0-9][^@\\s]*@sha256:[0-9a-f]{64}"),
        "image default pinned by version and digest: " + spec.at("/image/default").asText());
    assertEquals("sigstore", deploy.at("/id_tokens/SIGSTORE_ID_TOKEN/aud").asText());
    assertEquals("$[[ inputs.audience ]]", deploy.at("/id_tokens/DZ_ID_TOKEN/aud").asText());
    assertEquals("driftzero.env", deploy.at("/artifacts/reports/dotenv").asText());
    assertFalse(deploy.path("artifacts").has("paths"), "nothing but the dotenv report is uploaded");
    String wiring = deploy.path("before_script").toString();
    assertTrue(wiring.contains("DZ_CREDENTIAL=\\\"$(driftzero-attest.sh)\\\""), "the script's stdout is captured, not logged: " + wiring);
  }

  static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      out.add(it.next().getKey());
    }
    return out;
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }
}
