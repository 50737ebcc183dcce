package io.driftzero.control.demo;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import io.driftzero.control.ControlPlane;
import io.driftzero.core.AttestFlow;
import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.json.Json;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.sign.EcKeys;
import io.driftzero.core.sign.KeyFileSigner;
import io.driftzero.core.audit.EventAuditor;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.policy.PolicyLoader;
import io.driftzero.core.sign.AttestationSigner;
import io.driftzero.core.sigstore.BundleVerifier;
import java.util.Optional;
import io.driftzero.core.tpm.Tpm;
import io.driftzero.core.tpm.TpmAnchorSource;
import io.driftzero.core.tpm.TpmMode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job on the embedded default, end to end: an in-process dz-control on a file database, an
 * example policy and a manifest of this machine, then a pipeline's attest → credential → audit, an
 * audit-trail verification, and an out-of-policy request that is DENIED with its reasons.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the whole attest → verify → decide → issue → audit path locally (embedded store).")
public final class Demo implements Callable<Integer> {
  static final String ACTOR = "github.com/example-org/app/.github/workflows/deploy.yml@refs/heads/main";
  static final String POLICY = "dz://policy/deploy-prod";
  static final String TARGET = "aws-prod-account-1234";

  @Option(names = "--work-dir", defaultValue = ".driftzero", description = "Where the demo keeps its files (default ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(names = "--tpm", description = "TPM to quote with: none, auto, device or swtpm:HOST:PORT (default: $DZ_TPM,"
      + " else a software TPM on 127.0.0.1:2321 if one is running, else none).")
  String tpm;

  @Option(names = "--show-token", description = "Also print the credential itself (a secret; off by default).")
  boolean showToken;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(workDir);
    // The server's own log goes to a file so the demo reads as a pipeline's build log.
    Path serverLog = workDir.resolve("dz-control.log");
    System.setProperty("org.slf4j.simpleLogger.logFile", serverLog.toString());
    Path keyFile = workDir.resolve("agent-key.pem");
    if (!Files.exists(keyFile)) {
      EcKeys.writePrivate(EcKeys.generate(), keyFile);
    }
    KeyFileSigner signer = KeyFileSigner.fromFile(keyFile);
    ECKey agentKey = EcKeys.readPrivate(keyFile);

    section("1. Admin set-up: an approved manifest of this machine and a policy");
    EnvironmentMeasurer measurer = new EnvironmentMeasurer(System.getenv(), SystemProbe.local());
    Manifest manifest = Manifest.fromMeasurements("dz://env/demo-build", "1.0",
        "This machine as measured by the demo", measurer.measure(List.of()));
    TpmMode tpmMode = chooseTpm();
    String akName = null;
    if (tpmMode.enabled()) {
      try (Tpm t = Tpm.open(tpmMode)) {
        akName = t.attestationKey().name();
        manifest = manifest.withPcrs(t.pcrRead(Manifest.DEFAULT_PCR_SELECTION));
      }
    }
    Path manifestFile = workDir.resolve("manifests/demo-build.yaml");
    Files.createDirectories(manifestFile.getParent());
    Files.writeString(manifestFile, manifest.toYaml());
    Optional<LocalSigstore> sigstore = LocalSigstore.detect(workDir);
    Path policyFile = workDir.resolve("policy.yaml");
    Files.writeString(policyFile, policyYaml(EcKeys.publicPem(agentKey), akName, sigstore));
    out.println("manifest " + manifest.id() + "@" + manifest.version() + " " + manifest.hash() + " -> " + manifestFile);
    manifest.facts().forEach((k, v) -> out.println("    " + k + ": " + String.join(" | ", v)));
    out.println("policy   " + POLICY + " -> " + policyFile);
    if (sigstore.isPresent()) {
      out.println("keyless signer accepted: " + sigstore.get().subject() + " (issuer " + sigstore.get().issuer()
          + "; require_sigstore: true)");
    } else {
      out.println("agent key enrolled: " + signer.keyId() + " (bound to " + ACTOR + ")");
    }
    if (akName != null) {
      out.println("TPM AK enrolled:    " + akName + " (require_tpm: true; PCRs 0-7 pinned in the manifest)");
    }

    ControlPlane.Builder cpb = ControlPlane.builder().dataDir(workDir.resolve("data")).policyFile(policyFile);
    if (sigstore.isPresent()) {
      cpb.sigstore(BundleVerifier.fromTrustedRoot(sigstore.get().trustedRoot()));
    }
    try (ControlPlane cp = cpb.start()) {
      section("2. dz-control started in-process");
      out.println("url   " + cp.url());
      out.println("store embedded file database in " + workDir.resolve("data"));
      out.println("log   " + serverLog);
      DzClient client = DzClient.builder(cp.url()).attempts(2).backoff(Duration.ofMillis(100)).build();

      section("3. Pipeline: nonce → measure → sign → attest");
      AttestationSigner attestSigner = signer;
      String actor = ACTOR;
      if (sigstore.isPresent()) {
        LocalSigstore.Signing keyless = sigstore.get().signing();
        attestSigner = keyless.signer();
        actor = keyless.actor();
        out.println("Sigstore keyless: the local Sigstore stack is running; signing as the job " + actor
            + " (token from its GitHub-style token endpoint, Fulcio certificate, Rekor entry).");
      } else {
        out.println("Sigstore keyless: no local Sigstore stack is running (start one with 'scripts/sigstore-stack.sh"
            + " start'), so the demo signs with the enrolled key instead.");
      }
      AttestFlow.Builder fb = AttestFlow.builder().client(client).measurer(measurer).manifest(manifest)
          .signer(attestSigner).actor(new Actor("pipeline", actor)).policy(POLICY).log(l -> out.println("  " + l));
      if (tpmMode.enabled()) {
        out.println("TPM: " + tpmMode + ": the attestation carries a TPM 2.0 quote over PCRs 0-7, bound to the nonce.");
        fb.hardwareAnchor(new TpmAnchorSource(tpmMode));
      } else {
        out.println("TPM: none. No software TPM is running on 127.0.0.1:2321 and none was named, so the attestation"
            + " has no hardware anchor (start one with 'scripts/swtpm.sh start' or pass --tpm).");
      }
      AttestFlow flow = fb.build();
      AttestFlow.Result r = flow.attest();
      if (r.signed().sigstore() != null) {
        SigstoreBlock b = r.signed().sigstore();
        out.println("rekor_log_index: " + b.rekorLogIndex());
        out.println("rekor_uuid: " + b.rekorUuid());
        sigstore.get().instance().rekorEntryUrl(b.rekorUuid()).ifPresent(u -> out.println("rekor_entry: " + u));
      }
      out.println("decision:       " + r.response().result() + " " + r.response().reasons());
      out.println("attestation_id: " + r.response().attestationId());
      out.println("audit_id:       " + r.response().auditId());
      if (!r.response().accepted()) {
        out.println("FAILED: the demo's own attestation was denied");
        return ExitCodes.DENIED;
      }

      section("4. Pipeline: request a deploy credential");
      CredentialResponse cr = AttestFlow.requestCredential(client, r.response().attestationId(),
          r.response().sessionToken(), "deploy", TARGET, 900);
      out.println("decision:   " + cr.result());
      out.println("expires_at: " + cr.expiresAt() + " (ttl " + cr.ttlSeconds() + " s)");
      out.println("audit_id:   " + cr.auditId());
      SignedJWT jwt = SignedJWT.parse(cr.credential().token());
      ECKey credKey = (ECKey) client.jwks().getKeyByKeyId(jwt.getHeader().getKeyID());
      boolean jwtOk = credKey != null && jwt.verify(new ECDSAVerifier(credKey));
      out.println("claims (verified against " + cp.url() + "/.well-known/jwks.json: " + jwtOk + "):");
      out.println(indent(Json.pretty(jwt.getJWTClaimsSet().toJSONObject())));
      if (showToken) {
        out.println("token: " + cr.credential().token());
      }

      section("5. The audit event for that credential");
      out.println(indent(Json.pretty(client.auditEvent(cr.auditId()))));

      section("6. An out-of-policy request: another account, for an hour");
      CredentialResponse denied = AttestFlow.requestCredential(client, r.response().attestationId(),
          r.response().sessionToken(), "deploy", "aws-prod-account-9999", 3600);
      out.println("decision: " + denied.result() + " (audit_id " + denied.auditId() + ")");
      denied.reasons().forEach(x -> out.println("  - " + x.code() + ": " + x.message()));

      section("7. Verify the audit trail (signatures against the JWKS + the hash chain)");
      AuditVerifier.Report report = new AuditVerifier(client.jwks()).verifyChain(client.allAuditEvents(Map.of()));
      out.println(report.summary());

      section("8. An auditor checks the credential's decision offline (dzctl audit verify --event)");
      EventAuditor.Result audit = new EventAuditor(
          sigstore.isPresent() ? BundleVerifier.fromTrustedRoot(sigstore.get().trustedRoot()) : null,
          PolicyLoader.load(policyFile)).audit(client.auditEvent(cr.auditId()), report,
          Optional.of(client.attestation(r.response().attestationId())));
      audit.findings().forEach(f -> out.println((f.ok() ? "  OK    " : "  FAIL  ") + f.text()));

      boolean ok = cr.issued() && jwtOk && !denied.issued() && report.ok() && audit.ok();
      out.printf("%nDemo %s in %.1f s.%n", ok ? "succeeded" : "FAILED", (System.nanoTime() - t0) / 1e9);
      return ok ? ExitCodes.OK : ExitCodes.DENIED;
    } catch (DzException e) {
      out.println("FAILED: " + e.getMessage());
      return ExitCodes.of(e);
    }
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  private static String indent(String s) {
    return "    " + s.replace("\n", "\n    ");
  }

  /** --tpm, else $DZ_TPM, else a software TPM on the conventional port if something listens there. */
  private TpmMode chooseTpm() throws DzException {
    String choice = tpm != null ? tpm : System.getenv("DZ_TPM");
    if (choice != null) {
      return TpmMode.parse(choice);
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 2321), 300);
      return TpmMode.swtpm("127.0.0.1", 2321);
    } catch (IOException e) {
      return TpmMode.none();
    }
  }

  static String policyYaml(String agentPublicPem, String akName, Optional<LocalSigstore> sigstore) {
    return "# Example policy written by 'dz-control demo'. See docs/policy-reference.md.\n"
        + "version: 1\n"
        + "manifests:\n"
        + "  - file: manifests/demo-build.yaml\n"
        + "agent_keys:\n"
        + "  - id: demo-runner\n"
        + "    actors: [\"github.com/example-org/app/*\"]\n"
        + "    public_key: |\n"
        + "      " + agentPublicPem.trim().replace("\n", "\n      ") + "\n"
        + (akName == null ? "" : "tpm_aks:\n  - id: this-machine\n    name: " + akName + "\n"
            + "    actors: [\"github.com/example-org/app/*\"]\n")
        + "policies:\n"
        + "  - id: " + POLICY + "\n"
        + "    actors: [\"" + ACTOR + "\"]\n"
        + "    manifests: [\"dz://env/demo-build@1.0\"]\n"
        + "    targets: [\"" + TARGET + "\"]\n"
        + "    scopes: [\"deploy\"]\n"
        + "    max_ttl_seconds: 900\n"
        + "    require_sigstore: " + sigstore.isPresent() + "\n"
        + sigstore.map(LocalSigstore::policyLines).orElse("")
        + "    require_tpm: " + (akName != null) + "\n";
  }
}
