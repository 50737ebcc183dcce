package io.driftzero.core;

import io.driftzero.core.client.DzClient;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.NonceResponse;
import io.driftzero.core.sign.AttestationSigner;
import io.driftzero.core.sign.SignedAttestation;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The one flow every wrapper runs: nonce → measure → (hardware anchor) → sign → attest, then
 * credentials. Wrappers only choose the parts (token source, signer, TPM) and where lines go.
 */
public final class AttestFlow {
  private final DzClient client;
  private final EnvironmentMeasurer measurer;
  private final Manifest manifest;
  private final AttestationSigner signer;
  private final HardwareAnchorSource anchor;
  private final Actor actor;
  private final String policy;
  private final Clock clock;
  private final Consumer<String> log;

  private AttestFlow(Builder b) {
    this.client = Objects.requireNonNull(b.client, "client");
    this.measurer = Objects.requireNonNull(b.measurer, "measurer");
    this.manifest = Objects.requireNonNull(b.manifest, "manifest");
    this.signer = Objects.requireNonNull(b.signer, "signer");
    this.actor = Objects.requireNonNull(b.actor, "actor");
    this.anchor = b.anchor;
    this.policy = b.policy;
    this.clock = b.clock;
    this.log = b.log;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder; {@code anchor} and {@code policy} are optional, the clock defaults to UTC. */
  public static final class Builder {
    private DzClient client;
    private EnvironmentMeasurer measurer;
    private Manifest manifest;
    private AttestationSigner signer;
    private HardwareAnchorSource anchor;
    private Actor actor;
    private String policy;
    private Clock clock = Clock.systemUTC();
    private Consumer<String> log = s -> {};

    public Builder client(DzClient c) { this.client = c; return this; }
    public Builder measurer(EnvironmentMeasurer m) { this.measurer = m; return this; }
    public Builder manifest(Manifest m) { this.manifest = m; return this; }
    public Builder signer(AttestationSigner s) { this.signer = s; return this; }
    public Builder hardwareAnchor(HardwareAnchorSource a) { this.anchor = a; return this; }
    public Builder actor(Actor a) { this.actor = a; return this; }
    public Builder policy(String p) { this.policy = p; return this; }
    public Builder clock(Clock c) { this.clock = c; return this; }
    public Builder log(Consumer<String> l) { this.log = l; return this; }

    public AttestFlow build() {
      return new AttestFlow(this);
    }
  }

  /** What one attestation produced: the signed statement, how it was signed, and the decision. */
  public record Result(EnvironmentAttestation statement, SignedAttestation signed, AttestResponse response) {}

  /** Nonce → measure → anchor → sign → submit. */
  public Result attest() throws DzException {
    Prepared p = prepare();
    AttestResponse response = client.attest(p.request());
    return new Result(p.statement(), p.signed(), response);
  }

  /** Like {@link #attest()} but asks dz-control only to explain what it would decide. */
  public DzClient.Explanation explain() throws DzException {
    return client.explain(prepare().request());
  }

  private record Prepared(EnvironmentAttestation statement, SignedAttestation signed, AttestRequest request) {}

  private Prepared prepare() throws DzException {
    NonceResponse nonce = client.nonce();
    log.accept("nonce: " + nonce.nonce() + " (expires " + nonce.expiresAt() + ")");
    Map<String, String> measured = measurer.measure(manifest);
    log.accept("measured " + measured.size() + " facts for manifest " + manifest.id() + "@" + manifest.version()
        + " (" + manifest.hash() + ")");
    EnvironmentAttestation statement = new EnvironmentAttestation(manifest.id(), manifest.hash(),
        manifest.version(), measured, nonce.nonce(),
        clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(), Version.get(), null, actor);
    if (anchor != null) {
      statement = statement.withHardwareAnchor(anchor.anchor(statement, manifest));
      log.accept("hardware anchor: " + anchor.describe());
    } else {
      log.accept("hardware anchor: none");
    }
    SignedAttestation signed = signer.sign(statement);
    log.accept("signed: " + signer.describe());
    return new Prepared(statement, signed, AttestRequest.of(policy, statement, signed.signature(), signed.sigstore()));
  }

  /** Asks for a credential on an accepted attestation's session. */
  public static CredentialResponse requestCredential(DzClient client, String attestationId, String sessionToken,
      String scope, String target, int ttlSeconds) throws DzException {
    return client.credentials(new CredentialRequest(attestationId, scope, target, ttlSeconds), sessionToken);
  }
}
