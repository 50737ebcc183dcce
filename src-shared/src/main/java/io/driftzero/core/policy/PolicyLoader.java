package io.driftzero.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.json.YamlDoc;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.sign.EcKeys;
import io.driftzero.core.sigstore.FulcioExtension;
import io.driftzero.core.sigstore.IdentityPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads and validates a policy file. Every error names the file, the line and the field, and says
 * what to write instead. Manifests may be inline or in files ({@code file:}, relative to the policy).
 */
public final class PolicyLoader {
  public static final String POLICY_ID_PREFIX = "dz://policy/";

  private PolicyLoader() {}

  public static PolicySet load(Path file) throws DzException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT, "Cannot read policy file " + file
          + " (" + e.getClass().getSimpleName() + "); check --policy and its permissions");
    }
    return parse(file.toString(), text, file.toAbsolutePath().getParent());
  }

  public static PolicySet parse(String source, String text, Path baseDir) throws DzException {
    YamlDoc doc = YamlDoc.parse(source, text);
    PolicyFile pf = doc.bind(doc.root(), "", PolicyFile.class);
    if (pf.version() != null && pf.version() != 1) {
      throw doc.error("/version", "unsupported policy format version " + pf.version() + "; this dz-control reads version: 1");
    }
    Map<String, Manifest> manifests = manifests(doc, pf, baseDir);
    Map<String, PolicySet.EnrolledKey> keys = agentKeys(doc, pf, baseDir);
    Map<String, PolicySet.TpmAk> aks = tpmAks(doc, pf);
    Map<String, PolicySet.Policy> policies = policies(doc, pf, manifests);
    return new PolicySet(source, Json.sha256(Json.utf8(text)), Map.copyOf(manifests), Map.copyOf(keys),
        Map.copyOf(aks), Map.copyOf(policies));
  }

  private static Map<String, Manifest> manifests(YamlDoc doc, PolicyFile pf, Path baseDir) throws DzException {
    Map<String, Manifest> out = new LinkedHashMap<>();
    List<JsonNode> list = pf.manifests() == null ? List.of() : pf.manifests();
    for (int i = 0; i < list.size(); i++) {
      String at = "/manifests/" + i;
      JsonNode node = list.get(i);
      Manifest m;
      JsonNode expectedHash = node.isObject() ? node.get("hash") : null;
      if (node.isObject() && node.has("file")) {
        if (node.size() > (expectedHash != null ? 2 : 1)) {
          throw doc.error(at, "a manifest entry is either 'file:' (plus an optional 'hash:') or inline id/version/facts, not both");
        }
        Path mf = baseDir == null ? Path.of(node.get("file").asText()) : baseDir.resolve(node.get("file").asText());
        if (!Files.isRegularFile(mf)) {
          throw doc.error(at + "/file", "manifest file " + mf + " does not exist; the path is relative to the policy file");
        }
        m = Manifest.load(mf);
      } else if (node.isObject()) {
        JsonNode inline = node.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) inline).remove("hash");
        m = Manifest.parse(doc, inline, at);
      } else {
        throw doc.error(at, "each manifest is a mapping: either 'file: manifests/x.yaml' or inline id/version/facts");
      }
      if (expectedHash != null && !expectedHash.asText().equals(m.hash())) {
        throw doc.error(at + "/hash", "pinned hash " + expectedHash.asText() + " does not match the manifest's hash "
            + m.hash() + "; the manifest changed since it was approved: review it, then update the pin");
      }
      String key = m.id() + "@" + m.version();
      if (out.putIfAbsent(key, m) != null) {
        throw doc.error(at, "manifest " + key + " is defined twice; bump the version of the newer one");
      }
    }
    return out;
  }

  private static Map<String, PolicySet.EnrolledKey> agentKeys(YamlDoc doc, PolicyFile pf, Path baseDir) throws DzException {
    Map<String, PolicySet.EnrolledKey> out = new LinkedHashMap<>();
    List<PolicyFile.AgentKey> list = pf.agentKeys() == null ? List.of() : pf.agentKeys();
    for (int i = 0; i < list.size(); i++) {
      String at = "/agent_keys/" + i;
      PolicyFile.AgentKey k = list.get(i);
      if (k.id() == null || k.id().isBlank()) {
        throw doc.error(at + "/id", "give the key a label, e.g. id: runner-pool-a");
      }
      String pem = k.publicKey();
      if ((pem == null) == (k.publicKeyFile() == null)) {
        throw doc.error(at, "give exactly one of public_key (PEM) or public_key_file (path relative to the policy)");
      }
      if (pem == null) {
        Path f = baseDir == null ? Path.of(k.publicKeyFile()) : baseDir.resolve(k.publicKeyFile());
        try {
          pem = Files.readString(f);
        } catch (IOException e) {
          throw doc.error(at + "/public_key_file", "cannot read " + f + "; the path is relative to the policy file");
        }
      }
      var key = EcKeys.parsePublic(pem, doc.source() + ":" + doc.line(at + (k.publicKey() != null ? "/public_key" : "/public_key_file"))
          + ": agent_keys[" + i + "]");
      List<Glob> actors = globs(doc, k.actors(), at + "/actors", "the actor ids this key may claim, e.g. [\"github.com/org/repo/*\"]");
      java.security.interfaces.ECPublicKey jca;
      try {
        jca = EcKeys.forEcdsa(key.toECPublicKey());
      } catch (com.nimbusds.jose.JOSEException e) {
        throw doc.error(at, "the public key is not a usable P-256 key");
      }
      if (out.putIfAbsent(key.getKeyID(), new PolicySet.EnrolledKey(key.getKeyID(), k.id(), key, jca, actors)) != null) {
        throw doc.error(at, "this public key is enrolled twice");
      }
    }
    return out;
  }

  private static Map<String, PolicySet.TpmAk> tpmAks(YamlDoc doc, PolicyFile pf) throws DzException {
    Map<String, PolicySet.TpmAk> out = new LinkedHashMap<>();
    List<PolicyFile.TpmAk> list = pf.tpmAks() == null ? List.of() : pf.tpmAks();
    for (int i = 0; i < list.size(); i++) {
      String at = "/tpm_aks/" + i;
      PolicyFile.TpmAk a = list.get(i);
      io.driftzero.core.tpm.EnrolledAk ak;
      try {
        ak = io.driftzero.core.tpm.EnrolledAk.parse(a.name(), a.id());
      } catch (DzException e) {
        throw doc.error(at + "/name", "'" + a.name() + "' " + io.driftzero.core.tpm.EnrolledAk.BAD_NAME
            + "; copy it from 'dzctl tpm info' on the runner");
      }
      List<Glob> actors = globs(doc, a.actors(), at + "/actors", "the actor ids whose runners hold this AK");
      if (out.putIfAbsent(ak.name(), new PolicySet.TpmAk(ak, actors)) != null) {
        throw doc.error(at + "/name", "this AK is enrolled twice");
      }
    }
    return out;
  }

  private static Map<String, PolicySet.Policy> policies(YamlDoc doc, PolicyFile pf, Map<String, Manifest> manifests)
      throws DzException {
    Map<String, PolicySet.Policy> out = new LinkedHashMap<>();
    List<PolicyFile.Rule> list = pf.policies() == null ? List.of() : pf.policies();
    if (list.isEmpty()) {
      throw doc.error("/policies", "define at least one policy; with none, every request is denied");
    }
    for (int i = 0; i < list.size(); i++) {
      String at = "/policies/" + i;
      PolicyFile.Rule r = list.get(i);
      if (r.id() == null || !r.id().startsWith(POLICY_ID_PREFIX) || r.id().length() == POLICY_ID_PREFIX.length()) {
        throw doc.error(at + "/id", "must start with '" + POLICY_ID_PREFIX + "', e.g. dz://policy/deploy-prod");
      }
      List<Glob> actors = globs(doc, r.actors(), at + "/actors", "the actor ids allowed, e.g. [\"github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main\"]");
      Set<String> ms = strings(doc, r.manifests(), at + "/manifests", "approved manifests as id@version or id, e.g. [\"dz://env/build-release@2.4\"]");
      int j = 0;
      for (String m : ms) {
        boolean known = manifests.containsKey(m) || manifests.values().stream().anyMatch(x -> x.id().equals(m));
        if (!known) {
          throw doc.error(at + "/manifests/" + j, "no manifest '" + m + "' is defined under manifests:; define it or fix the reference");
        }
        j++;
      }
      Set<String> targets = strings(doc, r.targets(), at + "/targets", "the deploy targets, e.g. [\"aws-prod-account-1234\"]");
      Set<String> scopes = strings(doc, r.scopes(), at + "/scopes", "the scopes, e.g. [\"deploy\"]");
      if (r.maxTtlSeconds() == null || r.maxTtlSeconds() <= 0 || r.maxTtlSeconds() > 86_400) {
        throw doc.error(at + "/max_ttl_seconds", "give the longest credential lifetime in seconds, 1 to 86400, e.g. max_ttl_seconds: 900");
      }
      var p = new PolicySet.Policy(r.id(), actors, ms, targets, scopes, r.maxTtlSeconds(),
          Boolean.TRUE.equals(r.requireSigstore()), Boolean.TRUE.equals(r.requireTpm()),
          identities(doc, r.sigstoreIdentities(), at + "/sigstore_identities"));
      if (p.requireSigstore() && p.sigstoreIdentities().isEmpty()) {
        throw doc.error(at + "/sigstore_identities", "require_sigstore needs at least one accepted signer identity,"
            + " e.g. - issuer: https://token.actions.githubusercontent.com, subject: https://github.com/org/repo/...");
      }
      if (out.putIfAbsent(r.id(), p) != null) {
        throw doc.error(at + "/id", "policy " + r.id() + " is defined twice");
      }
    }
    return out;
  }

  private static List<IdentityPolicy> identities(YamlDoc doc, List<PolicyFile.SigstoreIdentity> in, String at)
      throws DzException {
    List<IdentityPolicy> out = new ArrayList<>();
    if (in == null) {
      return out;
    }
    for (int i = 0; i < in.size(); i++) {
      PolicyFile.SigstoreIdentity id = in.get(i);
      String here = at + "/" + i;
      if (!issuerUrl(id.issuer())) {
        throw doc.error(here + "/issuer", "the exact OIDC issuer URL, e.g. https://token.actions.githubusercontent.com"
            + " (https; plain http only for a loopback test issuer)");
      }
      if ((id.subject() == null) == (id.subjectRegex() == null)) {
        throw doc.error(here, "give exactly one of subject (exact SAN) or subject_regex (matched against the whole SAN)");
      }
      IdentityPolicy p;
      if (id.subject() != null) {
        p = IdentityPolicy.exact(id.issuer(), id.subject());
      } else {
        try {
          p = IdentityPolicy.regex(id.issuer(), id.subjectRegex());
        } catch (java.util.regex.PatternSyntaxException e) {
          throw doc.error(here + "/subject_regex", "not a valid regular expression: " + e.getDescription());
        }
      }
      if (id.extensions() != null) {
        for (var e : id.extensions().entrySet()) {
          FulcioExtension ext;
          try {
            ext = FulcioExtension.valueOf(e.getKey().toUpperCase(java.util.Locale.ROOT));
          } catch (IllegalArgumentException ex) {
            throw doc.error(here + "/extensions/" + e.getKey(), "unknown Fulcio extension; use one of "
                + java.util.Arrays.stream(FulcioExtension.values()).map(x -> x.name().toLowerCase(java.util.Locale.ROOT)).toList());
          }
          p = p.require(ext, e.getValue());
        }
      }
      if (!Boolean.TRUE.equals(id.allowSelfHosted())) {
        p = p.denySelfHosted();
      }
      out.add(p);
    }
    return List.copyOf(out);
  }

  /** https, or http on a loopback host (a local test issuer). */
  static boolean issuerUrl(String s) {
    if (s == null) {
      return false;
    }
    try {
      java.net.URI u = new java.net.URI(s);
      String host = u.getHost();
      return host != null && ("https".equals(u.getScheme())
          || "http".equals(u.getScheme()) && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static List<Glob> globs(YamlDoc doc, List<String> in, String at, String hint) throws DzException {
    List<Glob> out = new ArrayList<>();
    for (String s : strings(doc, in, at, hint)) {
      out.add(Glob.of(s));
    }
    return out;
  }

  private static Set<String> strings(YamlDoc doc, List<String> in, String at, String hint) throws DzException {
    if (in == null || in.isEmpty()) {
      throw doc.error(at, "must list at least one entry: " + hint);
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < in.size(); i++) {
      String s = in.get(i);
      if (s == null || s.isBlank()) {
        throw doc.error(at + "/" + i, "empty entry; " + hint);
      }
      out.add(s);
    }
    return out;
  }
}
