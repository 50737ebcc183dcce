package io.driftzero.core.sigstore;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sigstore.GitHubOidcIssuer.GitHubClaims;
import io.driftzero.core.sign.EcKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the independent sigstore-js implementation: our bundles verify with
 * {@code @sigstore/verify}, and bundles made by {@code @sigstore/sign} verify with BundleVerifier.
 */
class SigstoreJsCrossCheckTest {
  static SigstoreTestbed bed;
  static GitHubClaims claims = GitHubClaims.defaults();
  static EnvironmentAttestation statement = SigstoreTestbed.attestation("3c5f4c35-5b1d-4d7e-9a44-2f1e6c0b7a11");
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    bed = SigstoreTestbed.get();
  }

  NodeTool.Result jsVerify(JsonNode bundle, byte[] payload) throws Exception {
    Path b = tmp.resolve("bundle.json");
    Path p = tmp.resolve("payload.json");
    Files.writeString(b, Json.write(bundle));
    Files.write(p, payload);
    return NodeTool.runScript(bed.stack.scriptDir(), "src/verify-bundle.js",
        "--trusted-root", bed.stack.trustedRoot().toString(), "--bundle", b.toString(), "--payload", p.toString(),
        "--san", claims.expectedSan(), "--issuer", bed.oidc.issuer());
  }

  @Test
  void ourBundleVerifiesWithSigstoreJs() throws Exception {
    SigstoreBlock block = bed.sign(claims, statement);
    NodeTool.Result ok = jsVerify(block.bundle(), statement.payload());
    assertEquals(0, ok.exitCode(), ok.output());
    assertTrue(ok.output().startsWith("VERIFIED"), ok.output());
    // and sigstore-js is not saying yes to everything:
    NodeTool.Result wrong = jsVerify(block.bundle(), SigstoreTestbed.attestation("other").payload());
    assertEquals(1, wrong.exitCode(), wrong.output());
  }

  @Test
  void sigstoreJsBundleVerifiesWithBundleVerifier() throws Exception {
    Path token = tmp.resolve("token");
    EcKeys.writeSecret(token, bed.oidc.token(claims));
    Path payload = tmp.resolve("payload.json");
    Files.write(payload, statement.payload());
    Path out = tmp.resolve("js-bundle.json");
    NodeTool.Result r = NodeTool.runScript(bed.stack.scriptDir(), "src/sign-blob.js",
        "--fulcio-url", bed.stack.fulcioHttpUrl(), "--rekor-url", bed.stack.rekorUrl(),
        "--token-file", token.toString(), "--payload", payload.toString(), "--out", out.toString());
    assertEquals(0, r.exitCode(), r.output());
    JsonNode bundle = Json.mapper().readTree(out.toFile());
    BundleVerifier verifier = bed.verifier();
    assertEquals(List.of(), verifier.verify(statement.payload(), bundle, bed.policyFor(claims)));
    assertEquals(List.of(SigstoreReasons.PAYLOAD_MISMATCH), verifier.verify(
        SigstoreTestbed.attestation("other").payload(), bundle, bed.policyFor(claims)).stream().map(x -> x.code()).toList());
  }
}
