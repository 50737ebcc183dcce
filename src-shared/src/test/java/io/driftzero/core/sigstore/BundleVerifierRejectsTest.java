package io.driftzero.core.sigstore;

import static io.driftzero.core.sigstore.SigstoreReasons.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sigstore.GitHubOidcIssuer.GitHubClaims;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every way a bundle is refused, each with its exact reason code. */
class BundleVerifierRejectsTest {
  static SigstoreTestbed bed;
  static BundleVerifier verifier;
  static GitHubClaims claims = GitHubClaims.defaults();
  static EnvironmentAttestation statement = SigstoreTestbed.attestation("6f1c1a5e-0c55-4a0e-9a55-0d7d2b3c4e5f");
  static SigstoreBlock block;

  @BeforeAll
  static void signOnce() throws Exception {
    bed = SigstoreTestbed.get();
    verifier = bed.verifier();
    block = bed.sign(claims, statement);
  }

  static List<String> codes(List<Reason> reasons) {
    return reasons.stream().map(Reason::code).toList();
  }

  List<String> verify(JsonNode bundle) {
    return codes(verifier.verify(statement.payload(), bundle, bed.policyFor(claims)));
  }

  @Test
  void untamperedBundleIsTheControl() {
    assertEquals(List.of(), verify(block.bundle()));
  }

  @Test
  void wrongIssuer() {
    IdentityPolicy p = IdentityPolicy.exact("https://token.actions.githubusercontent.com", claims.expectedSan());
    assertEquals(List.of(ISSUER_MISMATCH), codes(verifier.verify(statement.payload(), block.bundle(), p)));
  }

  @Test
  void wrongSubject() {
    IdentityPolicy p = IdentityPolicy.exact(bed.oidc.issuer(),
        "https://github.com/driftzero/demo/.github/workflows/other.yml@refs/heads/main");
    List<Reason> reasons = verifier.verify(statement.payload(), block.bundle(), p);
    assertEquals(List.of(SUBJECT_MISMATCH), codes(reasons));
    assertTrue(reasons.get(0).message().contains(claims.expectedSan()), reasons.get(0).message());
  }

  @Test
  void subjectRegexMustMatchTheWholeSan() {
    String issuer = bed.oidc.issuer();
    IdentityPolicy ok = IdentityPolicy.regex(issuer, "https://github\\.com/driftzero/demo/\\.github/workflows/[^@]+@refs/heads/main");
    assertEquals(List.of(), codes(verifier.verify(statement.payload(), block.bundle(), ok)));
    IdentityPolicy partial = IdentityPolicy.regex(issuer, "driftzero/demo");
    assertEquals(List.of(SUBJECT_MISMATCH), codes(verifier.verify(statement.payload(), block.bundle(), partial)));
  }

  @Test
  void requiredExtensionWithAnotherValue() {
    IdentityPolicy p = bed.policyFor(claims).require(FulcioExtension.SOURCE_REPOSITORY_REF, "refs/heads/release");
    assertEquals(List.of(EXTENSION_MISMATCH), codes(verifier.verify(statement.payload(), block.bundle(), p)));
  }

  @Test
  void selfHostedRunnerWhereDenied() throws Exception {
    GitHubClaims selfHosted = claims.withRunnerEnvironment("self-hosted");
    SigstoreBlock b = bed.sign(selfHosted, statement);
    assertEquals(List.of(SELF_HOSTED_RUNNER),
        codes(verifier.verify(statement.payload(), b.bundle(), bed.policyFor(selfHosted).denySelfHosted())));
    assertEquals(List.of(), codes(verifier.verify(statement.payload(), b.bundle(), bed.policyFor(selfHosted))),
        "allowed unless the policy denies it");
  }

  @Test
  void bundleForAnotherPayload() {
    byte[] other = SigstoreTestbed.attestation("00000000-0000-4000-8000-000000000000").payload();
    assertEquals(List.of(PAYLOAD_MISMATCH), codes(verifier.verify(other, block.bundle(), bed.policyFor(claims))));
  }

  @Test
  void tamperedSignature() {
    assertEquals(List.of(SIGNATURE_INVALID), verify(BundleTamper.flipSignatureBit(block.bundle())));
  }

  @Test
  void inclusionProofThatDoesNotMatch() {
    assertEquals(List.of(TLOG_INVALID), verify(BundleTamper.breakInclusionProof(block.bundle())));
  }

  @Test
  void checkpointSignedByAnotherKey() throws Exception {
    assertEquals(List.of(TLOG_INVALID), verify(BundleTamper.resignCheckpointWithOtherKey(block.bundle())));
  }

  /** The integrated time is covered by the SET: moving it (e.g. into the certificate's validity) is caught. */
  @Test
  void integratedTimeMovedWithoutTheLogKey() {
    assertEquals(List.of(TLOG_INVALID), verify(BundleTamper.shiftIntegratedTime(block.bundle(), -30)));
  }

  @Test
  void malformedBundles() {
    assertEquals(List.of(BUNDLE_MALFORMED), verify(Json.mapper().createObjectNode()));
    assertEquals(List.of(BUNDLE_MALFORMED), verify(TextNode.valueOf("not a bundle")));
    assertEquals(List.of(BUNDLE_MALFORMED), verify(BundleTamper.edit(block.bundle(),
        b -> ((com.fasterxml.jackson.databind.node.ObjectNode) b.get("verificationMaterial")).remove("tlogEntries"))));
  }

  @Test
  void certificateFromAnotherFulcio() throws Exception {
    try (SigstoreStack other = SigstoreStack.start()) {
      SigstoreBlock foreign = bed.sign(other, claims, statement);
      assertEquals(List.of(CERT_UNTRUSTED), verify(foreign.bundle()));
      assertEquals(List.of(), codes(BundleVerifier.fromTrustedRoot(other.trustedRoot())
          .verify(statement.payload(), foreign.bundle(), bed.policyFor(claims))), "valid under its own root");
    }
  }

  /**
   * A log whose clock runs an hour ahead integrates the entry after the 10-minute certificate
   * expired, and says so in an honestly signed SET: this proves the verifier checks validity at
   * the integrated time (sigstore-java's KeylessVerifier 2.0.0 alone would accept it).
   */
  @Test
  void certificateExpiredAtIntegratedTime() throws Exception {
    assertEquals(List.of(CERT_EXPIRED), verifyOnSkewedLog(3600));
  }

  /** The mirror case: a log an hour behind integrates the entry before the certificate existed. */
  @Test
  void certificateNotYetValidAtIntegratedTime() throws Exception {
    assertEquals(List.of(CERT_EXPIRED), verifyOnSkewedLog(-3600));
  }

  private List<String> verifyOnSkewedLog(int offsetSeconds) throws Exception {
    try (SigstoreStack skewed = SigstoreStack.start(offsetSeconds)) {
      SigstoreBlock b = bed.sign(skewed, claims, statement);
      return codes(BundleVerifier.fromTrustedRoot(skewed.trustedRoot())
          .verify(statement.payload(), b.bundle(), bed.policyFor(claims)));
    }
  }
}
