package io.driftzero.cli;

import io.driftzero.core.AttestFlow;
import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.client.Session;
import io.driftzero.core.json.Json;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.sign.AttestationSigner;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.report.AttestSummary;
import io.driftzero.core.run.Actors;
import io.driftzero.core.sign.SigningSetup;
import io.driftzero.core.tpm.TpmAnchorSource;
import io.driftzero.core.tpm.TpmMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dzctl attest}: nonce → measure → sign → submit; saves the session for credentials. */
@Command(name = "attest", mixinStandardHelpOptions = true,
    description = {"Measure this runner, sign an environment attestation and submit it to dz-control.",
        "Prints the attestation id, the decision, its reasons and the audit id; on ACCEPTED saves the",
        "session (mode 0600) for 'dzctl credentials request'. Exit 1 when DENIED."})
final class AttestCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin Options.Server server;
  @Mixin Options.Output output;

  @Option(names = "--policy", description = "Policy to be judged under, e.g. dz://policy/deploy-prod (default: $DZ_POLICY).")
  String policy;

  @Option(names = "--manifest", required = true, description = "The approved manifest (YAML) this runner claims.")
  Path manifest;

  @Mixin SigningOptions signing;

  @Option(names = "--actor", description = "Actor id to claim (default: derived from the CI environment).")
  String actor;

  @Option(names = "--session-file", description = "Where to save the session (default: $DZ_SESSION_FILE, else $RUNNER_TEMP or the temp dir).")
  Path sessionFile;

  @Option(names = "--tpm", description = "TPM for a hardware-anchored quote: none, auto (kernel device only),"
      + " device, or swtpm:HOST:PORT (default: $DZ_TPM, else none).")
  String tpm;

  @Option(names = "--dry-run", description = "Ask dz-control what it would decide; consumes and records nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws DzException {
    Map<String, String> env = Dzctl.root(spec).env;
    PrintWriter out = spec.commandLine().getOut();
    String pol = policy != null ? policy : env.get("DZ_POLICY");
    if (pol == null || pol.isBlank()) {
      throw new DzException(DzException.Kind.BAD_INPUT, "no policy: pass --policy dz://policy/<name> or set DZ_POLICY");
    }
    DzClient client = server.client(env);
    Manifest m = Manifest.load(manifest);
    SigningSetup.Resolved resolved = signing.resolve(env);
    AttestationSigner signer = resolved.signer();
    Actor who = new Actor("pipeline", actor != null && !actor.isBlank() ? actor
        : resolved.actorId().isPresent() ? resolved.actorId().get() : Actors.fromEnvironment(null, env));
    AttestFlow.Builder flowBuilder = AttestFlow.builder().client(client).manifest(m).signer(signer).actor(who).policy(pol)
        .measurer(new EnvironmentMeasurer(env, SystemProbe.local()))
        .log(output.json() ? l -> {} : l -> out.println("  " + l));
    TpmMode tpmMode = TpmMode.parse(tpm != null ? tpm : env.getOrDefault("DZ_TPM", "none"));
    if (tpmMode.enabled()) {
      flowBuilder.hardwareAnchor(new TpmAnchorSource(tpmMode));
    }
    AttestFlow flow = flowBuilder.build();
    if (dryRun) {
      return DryRun.run(client, flow, output, out);
    }
    AttestFlow.Result r = flow.attest();
    AttestResponse resp = r.response();
    Path saved = null;
    SigstoreBlock sig = r.signed().sigstore();
    AttestSummary summary = AttestSummary.of(r, resolved.instance());
    if (resp.accepted()) {
      saved = Options.sessionFile(sessionFile, env);
      new Session(client.baseUrl(), resp.attestationId(), resp.sessionToken(), resp.expiresAt(), pol, resp.auditId(),
          sig == null ? null : sig.rekorLogIndex(), sig == null ? null : sig.rekorUuid()).save(saved);
    }
    if (output.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("attestation_id", resp.attestationId());
      o.put("result", resp.result());
      o.put("reasons", resp.reasons());
      o.put("audit_id", resp.auditId());
      o.put("expires_at", resp.expiresAt());
      o.put("policy", pol);
      o.put("actor", who.id());
      o.put("rekor_log_index", sig == null ? null : sig.rekorLogIndex());
      o.put("rekor_uuid", sig == null ? null : sig.rekorUuid());
      o.put("rekor_entry", summary.rekorEntryUrl());
      o.put("session_file", saved == null ? null : saved.toString());
      out.println(Json.pretty(o));
    } else {
      summary.lines().forEach(out::println);
      if (saved != null) {
        out.println("session: " + saved + " (expires " + resp.expiresAt() + ")");
      }
    }
    return resp.accepted() ? ExitCodes.OK : ExitCodes.DENIED;
  }
}
