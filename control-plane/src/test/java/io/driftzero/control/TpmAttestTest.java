package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.control.verify.Reasons;
import io.driftzero.control.verify.TpmQuoteCheck;
import io.driftzero.core.AttestFlow;
import io.driftzero.core.DzException;
import io.driftzero.core.Version;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.HardwareAnchor;
import io.driftzero.core.model.Reason;
import io.driftzero.core.sign.EcKeys;
import io.driftzero.core.sign.KeyFileSigner;
import io.driftzero.core.tpm.QuoteVerifier;
import io.driftzero.core.tpm.Swtpm;
import io.driftzero.core.tpm.Tpm;
import io.driftzero.core.tpm.TpmAnchorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TPM-anchored attestations through real HTTP against a real software TPM (swtpm): a valid quote
 * under require_tpm is ISSUED; every way of getting it wrong is DENIED with its exact reason.
 */
class TpmAttestTest {
  @RegisterExtension static final Swtpm SWTPM = new Swtpm();
  @TempDir static Path dir;

  static final String ACTOR = "github.com/acme/app/.github/workflows/deploy.yml@refs/heads/main";
  static final String OTHER_ACTOR = "github.com/other/app/.github/workflows/deploy.yml@refs/heads/main";
  static final String POLICY = "dz://policy/tpm-deploy";

  static ECKey agentKey;
  static KeyFileSigner signer;
  static Manifest manifest;
  static Manifest wrongPcrs;
  static String akName;
  static ControlPlane cp;
  static DzClient client;
  static EnvironmentMeasurer measurer;

  @BeforeAll
  static void start() throws Exception {
    agentKey = EcKeys.generate();
    signer = KeyFileSigner.of(agentKey);
    measurer = new EnvironmentMeasurer(Map.of(), SystemProbe.local());
    Map<Integer, String> pcrs;
    try (Tpm t = Tpm.open(SWTPM.mode())) {
      akName = t.attestationKey().name();
      pcrs = t.pcrRead(Manifest.DEFAULT_PCR_SELECTION);
    }
    Manifest base = Manifest.fromMeasurements("dz://env/tpm-runner", "1.0", null, measurer.measure(List.of()));
    manifest = base.withPcrs(pcrs);
    Map<Integer, String> wrong = new TreeMap<>(pcrs);
    wrong.put(7, "ab".repeat(32));
    wrongPcrs = new Manifest("dz://env/tpm-runner", "2.0", null, base.facts(), wrong);
    cp = ControlPlane.builder().dataDir(dir.resolve("data"))
        .policyFile(writePolicy(dir.resolve("policy.yaml"), akName)).start();
    client = DzClient.builder(cp.url()).build();
  }

  @AfterAll
  static void stop() {
    if (cp != null) {
      cp.close();
    }
  }

  static Path writePolicy(Path file, String enrolledAk) throws Exception {
    Files.writeString(file.resolveSibling("v1.yaml"), manifest.toYaml());
    Files.writeString(file.resolveSibling("v2.yaml"), wrongPcrs.toYaml());
    String pem = EcKeys.publicPem(agentKey).trim().replace("\n", "\n      ");
    Files.writeString(file, "manifests:\n  - file: v1.yaml\n  - file: v2.yaml\n"
        + "agent_keys:\n  - id: runner\n    actors: [\"github.com/*\"]\n    public_key: |\n      " + pem + "\n"
        + (enrolledAk == null ? "" : "tpm_aks:\n  - id: swtpm-runner\n    name: " + enrolledAk
            + "\n    actors: [\"" + ACTOR + "\"]\n")
        + "policies:\n  - id: " + POLICY + "\n    actors: [\"github.com/*\"]\n"
        + "    manifests: [\"dz://env/tpm-runner\"]\n    targets: [prod]\n    scopes: [deploy]\n"
        + "    max_ttl_seconds: 600\n    require_tpm: true\n");
    return file;
  }

  private AttestFlow.Result attest(DzClient c, Manifest m, String actor, boolean withTpm) throws DzException {
    AttestFlow.Builder b = AttestFlow.builder().client(c).measurer(measurer).manifest(m).signer(signer)
        .actor(new Actor("pipeline", actor)).policy(POLICY);
    if (withTpm) {
      b.hardwareAnchor(new TpmAnchorSource(SWTPM.mode()));
    }
    return b.build().attest();
  }

  private static List<String> codes(List<Reason> reasons) {
    return reasons.stream().map(Reason::code).toList();
  }

  private EnvironmentAttestation statement(String nonce, String actor) {
    return new EnvironmentAttestation(manifest.id(), manifest.hash(), manifest.version(),
        measurer.measure(manifest), nonce, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), Version.get(),
        null, new Actor("pipeline", actor));
  }

  @Test
  void validQuoteUnderRequireTpmIsIssued() throws Exception {
    AttestFlow.Result r = attest(client, manifest, ACTOR, true);
    assertEquals(AttestResponse.ACCEPTED, r.response().result(), () -> r.response().reasons().toString());
    CredentialResponse cr = AttestFlow.requestCredential(client, r.response().attestationId(),
        r.response().sessionToken(), "deploy", "prod", 300);
    assertEquals(CredentialResponse.ISSUED, cr.result());
    assertEquals("tpm2", client.auditEvent(r.response().auditId()).hardwareAnchor());
    assertEquals("tpm2", client.auditEvent(cr.auditId()).hardwareAnchor());
  }

  @Test
  void missingQuoteUnderRequireTpmIsDenied() throws Exception {
    AttestFlow.Result r = attest(client, manifest, ACTOR, false);
    assertEquals(List.of(Reasons.TPM_REQUIRED), codes(r.response().reasons()));
    assertEquals("none", client.auditEvent(r.response().auditId()).hardwareAnchor());
  }

  @Test
  void quoteReplayedIntoAnotherAttestationIsDenied() throws Exception {
    EnvironmentAttestation first = statement(client.nonce().nonce(), ACTOR);
    HardwareAnchor quoteOfFirst = new TpmAnchorSource(SWTPM.mode()).anchor(first, manifest);
    EnvironmentAttestation second = statement(client.nonce().nonce(), ACTOR).withHardwareAnchor(quoteOfFirst);
    AttestResponse r = client.attest(AttestRequest.of(POLICY, second, signer.sign(second).signature(), null));
    assertEquals(List.of(QuoteVerifier.TPM_NONCE_MISMATCH), codes(r.reasons()));
  }

  @Test
  void tamperedEvidenceIsDenied() throws Exception {
    EnvironmentAttestation s = statement(client.nonce().nonce(), ACTOR);
    HardwareAnchor good = new TpmAnchorSource(SWTPM.mode()).anchor(s, manifest);
    String json = new String(java.util.Base64.getDecoder().decode(good.evidence()), java.nio.charset.StandardCharsets.UTF_8);
    String pcr0 = manifest.pcrs().get(0);
    String tampered = json.replace("\"0\":\"" + pcr0 + "\"", "\"0\":\"" + "01".repeat(32) + "\"");
    assertTrue(!tampered.equals(json), "the evidence must carry PCR 0");
    EnvironmentAttestation t = s.withHardwareAnchor(new HardwareAnchor("tpm2",
        java.util.Base64.getEncoder().encodeToString(tampered.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    AttestResponse r = client.attest(AttestRequest.of(POLICY, t, signer.sign(t).signature(), null));
    assertTrue(codes(r.reasons()).contains(QuoteVerifier.TPM_PCR_DIGEST), r.reasons()::toString);
    assertEquals(AttestResponse.DENIED, r.result());
  }

  @Test
  void pcrValuesThatDifferFromTheManifestAreDenied() throws Exception {
    AttestFlow.Result r = attest(client, wrongPcrs, ACTOR, true);
    assertEquals(List.of(QuoteVerifier.TPM_PCR_VALUE_MISMATCH), codes(r.response().reasons()));
    assertTrue(r.response().reasons().get(0).message().contains("7"), r.response().reasons()::toString);
  }

  @Test
  void akBoundToAnotherActorIsDenied() throws Exception {
    AttestFlow.Result r = attest(client, manifest, OTHER_ACTOR, true);
    assertEquals(List.of(TpmQuoteCheck.TPM_AK_NOT_BOUND_TO_ACTOR), codes(r.response().reasons()));
  }

  @Test
  void unenrolledAkIsDenied() throws Exception {
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    try (ControlPlane noAks = ControlPlane.builder().dataDir(other.resolve("data"))
        .policyFile(writePolicy(other.resolve("policy.yaml"), null)).start()) {
      AttestFlow.Result r = attest(DzClient.builder(noAks.url()).build(), manifest, ACTOR, true);
      assertEquals(List.of(QuoteVerifier.TPM_AK_NOT_ENROLLED), codes(r.response().reasons()));
    }
  }
}
