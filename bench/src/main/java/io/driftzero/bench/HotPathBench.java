package io.driftzero.bench;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.control.credential.CredentialClaims;
import io.driftzero.control.credential.JwtCredentialIssuer;
import io.driftzero.core.policy.PolicySet;
import io.driftzero.control.verify.AttestationVerifier;
import io.driftzero.control.verify.KeySignatureCheck;
import io.driftzero.core.json.Json;
import io.driftzero.core.measure.Facts;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.Credential;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import io.driftzero.core.sign.EcKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** In-process hot paths of a decision, without the store or HTTP. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPathBench {
  private Fixtures f;
  private AttestRequest request;
  private EnvironmentAttestation statement;
  private PolicySet policies;
  private AttestationVerifier verifier;
  private JwtCredentialIssuer issuer;
  private CredentialClaims claims;

  @Setup
  public void setup() throws Exception {
    f = new Fixtures();
    request = f.signedRequest();
    statement = request.statement();
    policies = f.policySet();
    verifier = new AttestationVerifier(Clock.systemUTC(), Duration.ofDays(3650), List.of(new KeySignatureCheck()));
    ECKey key = EcKeys.withThumbprintId(EcKeys.generate());
    issuer = new JwtCredentialIssuer(() -> "https://dz.example", key);
    Instant now = Instant.now();
    claims = new CredentialClaims(Fixtures.ACTOR, Fixtures.TARGET, "deploy", now, now.plusSeconds(900), "jti",
        Fixtures.POLICY, "dz://env/bench", "1.0", f.manifest.hash(), "att", "audit", null, null);
  }

  /** RFC 8785 canonical bytes of one attestation (what is signed and hashed). */
  @Benchmark
  public byte[] canonicalize() {
    return Json.canonical(statement);
  }

  /** Key-based attestation verification: canonicalise + ECDSA verify + key/actor binding. */
  @Benchmark
  public List<Reason> verifyKeySignature() {
    return new KeySignatureCheck().check(request, statement, policies, null);
  }

  /** The whole verifier (manifest, measurements, policy rules, signature), minus the nonce. */
  @Benchmark
  public List<Reason> policyDecision() {
    return verifier.verify(request, statement, policies);
  }

  /** Measurements against the manifest alone. */
  @Benchmark
  public List<Reason> manifestCheck() {
    return Facts.check(f.manifest, f.measurements);
  }

  /** Minting one ES256 credential JWT. */
  @Benchmark
  public Credential mintJwt() throws Exception {
    return issuer.issue(claims);
  }

  /** Parsing one attest request body with the strict mapper. */
  @Benchmark
  public AttestRequest parseRequest() throws Exception {
    return Json.mapper().readValue(Json.write(request), AttestRequest.class);
  }
}
