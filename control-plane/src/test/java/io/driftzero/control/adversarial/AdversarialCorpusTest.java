package io.driftzero.control.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.control.TestStack;
import io.driftzero.control.nonce.NonceService;
import io.driftzero.control.verify.Reasons;
import io.driftzero.core.measure.Facts;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestationBody;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.EnvironmentRef;
import io.driftzero.core.sign.EcKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated corpus of hostile attestations and credential requests. Every case must be DENIED with
 * exactly its expected reasons and a signed DENIED audit event, and nothing may ever be issued: the
 * test ends by checking the credentials table is empty and the whole chain verifies.
 */
class AdversarialCorpusTest {
  @TempDir static Path dir;
  static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    assertEquals(0, stack.count("SELECT COUNT(*) FROM credentials"), "the corpus must never obtain a credential");
    stack.chain(); // asserts the whole chain verifies
    stack.close();
  }

  /** One hostile case: how to build it from a fresh draft, and the exact reasons it must get. */
  record Case(String name, Mutation mutation, String... codes) {}

  @FunctionalInterface
  interface Mutation {
    AttestRequest apply(TestStack.Draft d) throws Exception;
  }

  static List<Case> attestCases() {
    List<Case> cases = new ArrayList<>();
    // Measurements: every fact changed, and every fact dropped, honestly signed.
    // (Only facts the manifest expects: extra measurements are reported but not judged.)
    for (String fact : stack.manifest.facts().keySet()) {
      for (String bad : List.of("", "x", "amd64 ", "AMD64", "prod\n", "<absent>", "../../etc", "amd64\u0000",
          "\uff41\uff4d\uff44\uff16\uff14", "null", "true", "y".repeat(4000))) {
        String shown = bad.length() > 20 ? bad.substring(0, 20) + "…(" + bad.length() + ")" : bad;
        cases.add(new Case("fact " + fact + " = '" + shown.replace("\n", "\\n").replace("\u0000", "\\0") + "'", d -> {
          d.measurements.put(fact, bad);
          return d.build();
        }, Facts.MEASUREMENT_MISMATCH));
      }
      cases.add(new Case("fact " + fact + " missing", d -> {
        d.measurements.remove(fact);
        return d.build();
      }, Facts.MEASUREMENT_MISSING));
    }
    // Tampering after signing: each signed field altered in the request, signature left as it was.
    Map<String, Mutation> tamper = new LinkedHashMap<>();
    tamper.put("measurement", d -> withEnv(d.build(), e -> put(e, "os.arch", "amd64"), "env.DEPLOY_ENV", "staging"));
    tamper.put("extra measurement", d -> withEnv(d.build(), e -> e, "tool.git", "git version 9"));
    tamper.put("agent_version", d -> {
      AttestRequest r = d.build();
      AttestationBody a = r.attestation();
      return new AttestRequest(r.policy(), r.environment(), new AttestationBody(a.nonce(), a.timestamp(), "9.9.9",
          a.hardwareAnchor(), a.signature(), a.sigstore()), r.actor());
    });
    tamper.put("actor type", d -> {
      AttestRequest r = d.build();
      return new AttestRequest(r.policy(), r.environment(), r.attestation(),
          new io.driftzero.core.model.Actor("human", r.actor().id()));
    });
    for (var t : tamper.entrySet()) {
      cases.add(new Case("tampered " + t.getKey(), t.getValue(), Reasons.SIGNATURE_INVALID));
    }
    // Signature bytes flipped, truncated, or from another message.
    for (int i = 0; i < 20; i++) {
      int at = i * 3 + 2;
      cases.add(new Case("signature byte " + at + " flipped", d -> {
        AttestRequest r = d.build();
        byte[] sig = java.util.Base64.getDecoder().decode(r.attestation().signature().value());
        sig[Math.min(at, sig.length - 1)] ^= 0x01;
        return withSignature(r, java.util.Base64.getEncoder().encodeToString(sig));
      }, Reasons.SIGNATURE_INVALID));
    }
    cases.add(new Case("signature truncated", d -> {
      AttestRequest r = d.build();
      String v = r.attestation().signature().value();
      return withSignature(r, v.substring(0, 40));
    }, Reasons.SIGNATURE_INVALID));
    // Keys and actors.
    for (int i = 0; i < 5; i++) {
      cases.add(new Case("unenrolled key #" + i, d -> {
        d.signer = EcKeys.generate();
        return d.build();
      }, Reasons.KEY_NOT_ENROLLED));
    }
    for (String actor : List.of("github.com/org/app-evil/.github/workflows/deploy.yml@refs/heads/main",
        "github.com/org/app", "github.com/org/app/.github/workflows/deploy.yml@refs/heads/main/../x",
        "GITHUB.COM/org/app/.github/workflows/deploy.yml@refs/heads/main", "gitlab.com/org/app")) {
      boolean boundToKey = actor.startsWith("github.com/org/");
      boolean allowed = actor.startsWith("github.com/org/app/");
      List<String> expect = new ArrayList<>();
      if (!allowed) {
        expect.add(Reasons.ACTOR_NOT_ALLOWED);
      }
      if (!boundToKey) {
        expect.add(Reasons.ACTOR_NOT_BOUND_TO_KEY);
      }
      if (expect.isEmpty()) {
        continue;
      }
      cases.add(new Case("actor " + actor, d -> {
        d.actor = actor;
        return d.build();
      }, expect.toArray(String[]::new)));
    }
    cases.add(new Case("other pool's key claims our actor", d -> {
      d.signer = stack.otherKey;
      return d.build();
    }, Reasons.ACTOR_NOT_BOUND_TO_KEY));
    // Time.
    for (long off : new long[] {-86_400, -7_200, -3_600, -302, -301, 301, 302, 3_600, 86_400 * 365L}) {
      cases.add(new Case("timestamp " + off + " s", d -> {
        d.timestamp = stack.clock.instant().plusSeconds(off).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        return d.build();
      }, Reasons.TIMESTAMP_STALE));
    }
    // Nonces.
    for (String nonce : List.of("00000000-0000-0000-0000-000000000000", "not-a-nonce", "'; DROP TABLE nonces;--",
        "550e8400-e29b-41d4-a716-446655440000")) {
      cases.add(new Case("nonce " + nonce, d -> {
        d.nonce = nonce;
        return d.build();
      }, NonceService.NONCE_UNKNOWN));
    }
    for (int i = 0; i < 10; i++) {
      String nonce = java.util.UUID.randomUUID().toString();
      cases.add(new Case("never-issued nonce " + i, d -> {
        d.nonce = nonce;
        return d.build();
      }, NonceService.NONCE_UNKNOWN));
    }
    // Manifests and policies.
    for (String version : List.of("2.5", "2.4.0", "1.0", "v2.4")) {
      cases.add(new Case("manifest version " + version, d -> {
        d.manifestVersion = version;
        return d.build();
      }, Reasons.MANIFEST_UNKNOWN, Reasons.MANIFEST_NOT_ALLOWED));
    }
    for (int i = 0; i < 3; i++) {
      String hash = "sha256:" + Integer.toHexString(i + 10).repeat(64).substring(0, 64);
      cases.add(new Case("manifest hash " + i, d -> {
        d.manifestHash = hash;
        return d.build();
      }, Reasons.MANIFEST_HASH_MISMATCH));
    }
    cases.add(new Case("no measurements at all", d -> {
      d.measurements = new TreeMap<>();
      return d.build();
    }, Facts.MEASUREMENT_MISSING));
    cases.add(new Case("another approved manifest's hash", d -> {
      d.manifestHash = stack.spareManifest.hash();
      return d.build();
    }, Reasons.MANIFEST_HASH_MISMATCH));
    cases.add(new Case("spare manifest not allowed by the policy", d -> {
      d.manifestId = TestStack.SPARE_MANIFEST_ID;
      d.manifestVersion = "1.0";
      d.manifestHash = stack.spareManifest.hash();
      d.measurements = new TreeMap<>(Map.of("os.arch", "amd64"));
      return d.build();
    }, Reasons.MANIFEST_NOT_ALLOWED));
    for (String policy : List.of("dz://policy/deploy-PROD", "dz://policy/", "dz://policy/deploy-prod ", "*")) {
      cases.add(new Case("policy '" + policy + "'", d -> {
        d.policy = policy;
        return d.build();
      }, Reasons.POLICY_UNKNOWN));
    }
    cases.add(new Case("sigstore-only policy with a key signature", d -> {
      d.policy = TestStack.SIGSTORE_POLICY;
      return d.build();
    }, Reasons.SIGSTORE_REQUIRED));
    cases.add(new Case("tpm-only policy without a quote", d -> {
      d.policy = TestStack.TPM_POLICY;
      return d.build();
    }, Reasons.TPM_REQUIRED));
    cases.add(new Case("unsigned", d -> {
      d.signer = null;
      return d.build();
    }, Reasons.SIGNATURE_MISSING));
    cases.add(new Case("unsupported algorithm", d -> {
      d.algorithm = "rsa-pss-sha256";
      return d.build();
    }, Reasons.SIGNATURE_ALGORITHM_UNSUPPORTED));
    return cases;
  }

  static Map<String, String> put(Map<String, String> m, String k, String v) {
    m.put(k, v);
    return m;
  }

  static AttestRequest withEnv(AttestRequest r, java.util.function.UnaryOperator<Map<String, String>> f, String k,
      String v) {
    Map<String, String> m = new TreeMap<>(r.environment().measurements());
    m = f.apply(m);
    m.put(k, v);
    EnvironmentRef e = r.environment();
    return new AttestRequest(r.policy(), new EnvironmentRef(e.manifestId(), e.manifestHash(), e.manifestVersion(), m),
        r.attestation(), r.actor());
  }

  static AttestRequest withSignature(AttestRequest r, String value) {
    AttestationBody a = r.attestation();
    var s = a.signature();
    return new AttestRequest(r.policy(), r.environment(), new AttestationBody(a.nonce(), a.timestamp(),
        a.agentVersion(), a.hardwareAnchor(), new io.driftzero.core.model.SignatureBlock(s.algorithm(), s.keyId(), value),
        a.sigstore()), r.actor());
  }

  @TestFactory
  Stream<DynamicTest> everyHostileAttestationIsDeniedWithItsReason() {
    List<Case> cases = attestCases();
    assertTrue(cases.size() >= 100, "corpus size " + cases.size());
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(),
        () -> stack.assertAttestDenied(c.mutation().apply(stack.draft()), c.codes())));
  }

  @Test
  void replayingAnAcceptedAttestationIsDenied() throws Exception {
    AttestRequest req = stack.draft().build();
    assertEquals("ACCEPTED", stack.client.attest(req).result());
    for (int i = 0; i < 3; i++) {
      stack.assertAttestDenied(req, NonceService.NONCE_REUSED);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyOutOfPolicyCredentialRequestIsDenied() throws Exception {
    List<Object[]> cases = new ArrayList<>();
    for (String target : List.of("aws-prod-account-12345", "AWS-PROD-ACCOUNT-1234", "*", "aws-prod-account-1234/..")) {
      cases.add(new Object[] {"target " + target, target, TestStack.SCOPE, 60, Reasons.TARGET_NOT_ALLOWED});
    }
    for (String scope : List.of("admin", "deploy,admin", "Deploy", "deploy ")) {
      cases.add(new Object[] {"scope " + scope, TestStack.TARGET, scope, 60, Reasons.SCOPE_NOT_ALLOWED});
    }
    for (int ttl : new int[] {TestStack.MAX_TTL + 1, 3_600, 86_400}) {
      cases.add(new Object[] {"ttl " + ttl, TestStack.TARGET, TestStack.SCOPE, ttl, Reasons.TTL_EXCEEDS_MAX});
    }
    return cases.stream().map(c -> DynamicTest.dynamicTest((String) c[0], () -> {
      var acc = stack.accepted();
      CredentialResponse r = stack.client.credentials(new io.driftzero.core.model.CredentialRequest(
          acc.attestationId(), (String) c[2], (String) c[1], (Integer) c[3]), acc.sessionToken());
      assertEquals(CredentialResponse.DENIED, r.result());
      assertEquals(java.util.Set.of((String) c[4]), TestStack.codes(r.reasons()));
      stack.assertSignedEvent(r.auditId(), "CREDENTIAL_ISSUE", "DENIED", java.util.Set.of((String) c[4]));
      assertEquals(0, stack.credentialRows(acc.attestationId()));
    }));
  }
}
