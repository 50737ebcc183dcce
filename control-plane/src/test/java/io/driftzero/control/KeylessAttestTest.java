package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import io.driftzero.control.verify.Reasons;
import io.driftzero.control.verify.SigstoreCheck;
import io.driftzero.core.AttestFlow;
import io.driftzero.core.Version;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sign.EcKeys;
import io.driftzero.core.sign.KeyFileSigner;
import io.driftzero.core.sigstore.BundleVerifier;
import io.driftzero.core.sigstore.GitHubOidcIssuer;
import io.driftzero.core.sigstore.GitHubOidcIssuer.GitHubClaims;
import io.driftzero.core.sigstore.SigstoreInstance;
import io.driftzero.core.sigstore.SigstoreReasons;
import io.driftzero.core.sigstore.SigstoreSigner;
import io.driftzero.core.sigstore.SigstoreStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyless attestations end to end: a GitHub-shaped job token from a real OIDC issuer, a Fulcio
 * certificate and Rekor entry from the local Sigstore stack (real sigstore-java on the client), and
 * dz-control verifying the bundle offline against the pinned trusted root under require_sigstore.
 */
class KeylessAttestTest {
  @TempDir static Path dir;
  static GitHubOidcIssuer oidc;
  static SigstoreStack stack;
  static SigstoreInstance instance;
  static ControlPlane cp;
  static DzClient client;
  static Manifest manifest;
  static EnvironmentMeasurer measurer = new EnvironmentMeasurer(Map.of(), SystemProbe.local());
  static final GitHubClaims JOB = GitHubClaims.defaults();
  static final String POLICY = "dz://policy/keyless";
  static final com.nimbusds.jose.jwk.ECKey AGENT_KEY = EcKeys.generate();
  static KeyFileSigner keySigner = KeyFileSigner.of(AGENT_KEY);

  @BeforeAll
  static void start() throws Exception {
    oidc = GitHubOidcIssuer.start();
    stack = SigstoreStack.start();
    instance = SigstoreInstance.builder(stack.trustedRoot(), stack.signingConfig())
        .trustStore(stack.truststore(), stack.truststorePassword()).build();
    manifest = Manifest.fromMeasurements("dz://env/keyless", "1.0", null, measurer.measure(List.of()));
    Files.writeString(dir.resolve("m.yaml"), manifest.toYaml());
    String pem = EcKeys.publicPem(AGENT_KEY).trim().replace("\n", "\n      ");
    Files.writeString(dir.resolve("policy.yaml"), "manifests:\n  - file: m.yaml\n"
        + "agent_keys:\n  - id: k\n    actors: [\"github.com/*\"]\n    public_key: |\n      " + pem + "\n"
        + "policies:\n  - id: " + POLICY + "\n    actors: [\"github.com/" + JOB.repository() + "/*\"]\n"
        + "    manifests: [\"dz://env/keyless@1.0\"]\n    targets: [prod]\n    scopes: [deploy]\n"
        + "    max_ttl_seconds: 600\n    require_sigstore: true\n"
        + "    sigstore_identities:\n"
        + "      - issuer: " + oidc.issuer() + "\n"
        + "        subject_regex: '^https://github\\.com/" + JOB.repository().replace(".", "\\.") + "/\\.github/workflows/.*$'\n"
        + "        extensions:\n          source_repository_ref: refs/heads/main\n");
    cp = ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(dir.resolve("policy.yaml"))
        .sigstore(BundleVerifier.fromTrustedRoot(stack.trustedRoot())).start();
    client = DzClient.builder(cp.url()).build();
  }

  @AfterAll
  static void stop() {
    if (cp != null) {
      cp.close();
    }
    if (stack != null) {
      stack.close();
    }
    if (oidc != null) {
      oidc.close();
    }
  }

  static String actorOf(GitHubClaims c) {
    return "github.com/" + c.jobWorkflowRef();
  }

  static EnvironmentAttestation statement(String actor) throws Exception {
    return new EnvironmentAttestation(manifest.id(), manifest.hash(), manifest.version(), measurer.measure(manifest),
        client.nonce().nonce(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), Version.get(), null,
        new Actor("pipeline", actor));
  }

  static SigstoreBlock sign(GitHubClaims job, EnvironmentAttestation s) throws Exception {
    try (SigstoreSigner signer = SigstoreSigner.create(instance, oidc.token(job))) {
      return signer.sign(s).sigstore();
    }
  }

  static AttestResponse submit(EnvironmentAttestation s, SigstoreBlock block) throws Exception {
    return client.attest(AttestRequest.of(POLICY, s, null, block));
  }

  static List<String> codes(AttestResponse r) {
    return r.reasons().stream().map(Reason::code).toList();
  }

  @Test
  void keylessAttestationIsIssuedAndTheAuditEventNamesTheRekorEntry() throws Exception {
    AttestFlow.Result r = AttestFlow.builder().client(client).measurer(measurer).manifest(manifest)
        .signer(SigstoreSigner.create(instance, oidc.token(JOB))).actor(new Actor("pipeline", actorOf(JOB)))
        .policy(POLICY).build().attest();
    assertEquals(AttestResponse.ACCEPTED, r.response().result(), () -> r.response().reasons().toString());
    SigstoreBlock block = r.signed().sigstore();
    AuditEvent attestEvent = client.auditEvent(r.response().auditId());
    assertEquals(block.rekorUuid(), attestEvent.sigstore().rekorUuid());
    assertEquals(block.rekorLogIndex(), attestEvent.sigstore().rekorLogIndex());

    CredentialResponse cr = AttestFlow.requestCredential(client, r.response().attestationId(),
        r.response().sessionToken(), "deploy", "prod", 300);
    assertEquals(CredentialResponse.ISSUED, cr.result());
    AuditEvent issued = client.auditEvent(cr.auditId());
    assertEquals(block.rekorUuid(), issued.sigstore().rekorUuid());
    var claims = SignedJWT.parse(cr.credential().token()).getJWTClaimsSet();
    assertEquals(block.rekorUuid(), claims.getStringClaim("rekor_uuid"));
    assertEquals(block.rekorLogIndex(), claims.getLongClaim("rekor_log_index"));
  }

  @Test
  void keySignedAttestationUnderRequireSigstoreIsDenied() throws Exception {
    EnvironmentAttestation s = statement(actorOf(JOB));
    AttestResponse r = client.attest(AttestRequest.of(POLICY, s, keySigner.sign(s).signature(), null));
    assertEquals(List.of(Reasons.SIGSTORE_REQUIRED), codes(r));
  }

  @Test
  void anotherRepositorysWorkflowIsDeniedBySubject() throws Exception {
    GitHubClaims other = JOB.withRepository("attacker/fork");
    EnvironmentAttestation s = statement(actorOf(other));
    AttestResponse r = submit(s, sign(other, s));
    assertTrue(codes(r).contains(SigstoreReasons.SUBJECT_MISMATCH), r.reasons()::toString);
    assertEquals(AttestResponse.DENIED, r.result());
  }

  @Test
  void selfHostedRunnerIsDenied() throws Exception {
    GitHubClaims selfHosted = JOB.withRunnerEnvironment("self-hosted");
    EnvironmentAttestation s = statement(actorOf(selfHosted));
    AttestResponse r = submit(s, sign(selfHosted, s));
    assertEquals(List.of(SigstoreReasons.SELF_HOSTED_RUNNER), codes(r));
  }

  @Test
  void otherBranchIsDeniedByExtension() throws Exception {
    GitHubClaims branch = JOB.withRef("refs/heads/feature");
    EnvironmentAttestation s = statement(actorOf(branch));
    AttestResponse r = submit(s, sign(branch, s));
    assertEquals(List.of(SigstoreReasons.EXTENSION_MISMATCH), codes(r));
  }

  @Test
  void claimingAnotherActorThanTheCertificateIsDenied() throws Exception {
    String claimed = "github.com/" + JOB.repository() + "/.github/workflows/release.yml@refs/heads/main";
    EnvironmentAttestation s = statement(claimed);
    AttestResponse r = submit(s, sign(JOB, s));
    assertEquals(List.of(SigstoreCheck.SIGSTORE_ACTOR_MISMATCH), codes(r));
  }

  @Test
  void bundleForAnotherAttestationIsDenied() throws Exception {
    EnvironmentAttestation first = statement(actorOf(JOB));
    SigstoreBlock block = sign(JOB, first);
    EnvironmentAttestation second = statement(actorOf(JOB));
    AttestResponse r = submit(second, block);
    assertEquals(AttestResponse.DENIED, r.result());
    assertTrue(codes(r).contains(SigstoreReasons.PAYLOAD_MISMATCH)
        || codes(r).contains(SigstoreReasons.SIGNATURE_INVALID), r.reasons()::toString);
  }

  @Test
  void rekorCoordinatesThatAreNotTheBundlesAreDenied() throws Exception {
    EnvironmentAttestation s = statement(actorOf(JOB));
    SigstoreBlock b = sign(JOB, s);
    SigstoreBlock lying = new SigstoreBlock(b.rekorLogIndex() + 1000, b.rekorUuid(), b.fulcioCertificate(), b.bundle());
    AttestResponse r = submit(s, lying);
    assertEquals(List.of(SigstoreCheck.SIGSTORE_REKOR_REF_MISMATCH), codes(r));
  }

  @Test
  void withoutATrustedRootBundlesAreDeniedNotWavedThrough() throws Exception {
    Path d = dir.resolve("noroot");
    try (ControlPlane plain = ControlPlane.builder().dataDir(d).policyFile(dir.resolve("policy.yaml")).start()) {
      DzClient c = DzClient.builder(plain.url()).build();
      EnvironmentAttestation s = new EnvironmentAttestation(manifest.id(), manifest.hash(), manifest.version(),
          measurer.measure(manifest), c.nonce().nonce(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
          Version.get(), null, new Actor("pipeline", actorOf(JOB)));
      AttestResponse r = c.attest(AttestRequest.of(POLICY, s, null, sign(JOB, s)));
      assertEquals(List.of(Reasons.SIGSTORE_NOT_CONFIGURED), codes(r));
    }
  }
}
