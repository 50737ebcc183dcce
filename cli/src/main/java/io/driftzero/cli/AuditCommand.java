package io.driftzero.cli;

import com.nimbusds.jose.jwk.JWKSet;
import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.audit.EventAuditor;
import io.driftzero.core.model.StoredAttestation;
import io.driftzero.core.policy.PolicyLoader;
import io.driftzero.core.sigstore.BundleVerifier;
import java.util.Optional;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.AuditPage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dzctl audit list|verify}: read and independently verify the audit trail. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Read and verify the audit trail.",
    subcommands = {AuditCommand.ListCmd.class, AuditCommand.Verify.class})
final class AuditCommand {
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List audit events, newest first.")
  static final class ListCmd implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin Options.Server server;
    @Mixin Options.Output output;
    @Option(names = "--actor") String actor;
    @Option(names = "--result", description = "ACCEPTED, DENIED or ISSUED.") String result;
    @Option(names = "--action", description = "ATTEST or CREDENTIAL_ISSUE.") String action;
    @Option(names = "--policy") String policy;
    @Option(names = "--target") String target;
    @Option(names = "--since", description = "RFC 3339, inclusive.") String since;
    @Option(names = "--until", description = "RFC 3339, exclusive.") String until;
    @Option(names = "--limit", defaultValue = "50", description = "Page size, 1-500 (default ${DEFAULT-VALUE}).") int limit;
    @Option(names = "--cursor", description = "next_cursor of a previous page.") String cursor;

    @Override
    public Integer call() throws DzException {
      PrintWriter out = spec.commandLine().getOut();
      DzClient client = server.client(Dzctl.root(spec).env);
      Map<String, String> f = new LinkedHashMap<>();
      f.put("actor", actor);
      f.put("result", result);
      f.put("action", action);
      f.put("policy", policy);
      f.put("target", target);
      f.put("since", since);
      f.put("until", until);
      AuditPage page = client.auditEvents(f, cursor, limit);
      if (output.json()) {
        out.println(Json.pretty(page));
        return ExitCodes.OK;
      }
      for (AuditEvent e : page.events()) {
        out.printf("%6d %s %s %-16s %-8s %s%s%s%n", e.seq(), e.timestamp(), e.auditId(), e.action(), e.result(),
            e.actor(), e.target() == null ? "" : " -> " + e.target(),
            e.reasons() == null || e.reasons().isEmpty() ? "" : " " + e.reasons().stream().map(r -> r.code()).toList());
      }
      if (page.nextCursor() != null) {
        out.println("next: --cursor " + page.nextCursor());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Verify every event's control_plane_signature and the whole hash chain.",
          "Names the first broken event; exit 1 on any failure. Pin keys with --jwks to not trust the server's JWKS.",
          "With --event ID, also audit that decision offline: the event describes its stored attestation,",
          "the Sigstore bundle verifies against --trusted-root and names the verified Rekor entry, and what",
          "was granted is within the policy of --policy FILE."})
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin Options.Server server;
    @Mixin Options.Output output;

    @Option(names = "--jwks", description = "A JWKS file to trust instead of the server's /.well-known/jwks.json.")
    Path jwksFile;

    @Option(names = "--event", description = "Audit this one decision (audit_id) in depth.")
    String event;

    @Option(names = "--trusted-root", description = "Sigstore trusted_root.json to verify the attestation's bundle against (with --event).")
    Path trustedRoot;

    @Option(names = "--policy", description = "The policy file in force, to check the decision's limits against (with --event).")
    Path policyFile;

    @Override
    public Integer call() throws DzException {
      PrintWriter out = spec.commandLine().getOut();
      DzClient client = server.client(Dzctl.root(spec).env);
      JWKSet keys = jwksFile == null ? client.jwks() : load(jwksFile);
      List<AuditEvent> events = client.allAuditEvents(Map.of());
      AuditVerifier.Report report = new AuditVerifier(keys).verifyChain(events);
      if (event == null) {
        if (trustedRoot != null || policyFile != null) {
          throw new DzException(DzException.Kind.BAD_INPUT, "--trusted-root and --policy go with --event ID");
        }
        out.println(output.json() ? Json.pretty(report) : report.summary());
        return report.ok() ? ExitCodes.OK : ExitCodes.DENIED;
      }
      AuditEvent e = events.stream().filter(x -> event.equals(x.auditId())).findFirst().orElseThrow(() ->
          new DzException(DzException.Kind.BAD_INPUT, "--event " + event + " is not in the audit trail"));
      Optional<StoredAttestation> att = e.attestationId() == null ? Optional.empty()
          : Optional.of(client.attestation(e.attestationId()));
      EventAuditor.Result result = new EventAuditor(
          trustedRoot == null ? null : BundleVerifier.fromTrustedRoot(trustedRoot),
          policyFile == null ? null : PolicyLoader.load(policyFile)).audit(e, report, att);
      if (output.json()) {
        out.println(Json.pretty(result));
      } else {
        out.println("event " + e.auditId() + " (seq " + e.seq() + ", " + e.action() + " " + e.result() + ")");
        result.findings().forEach(f -> out.println((f.ok() ? "  OK    " : "  FAIL  ") + f.text()));
        out.println(result.ok() ? "event verified" : "event NOT verified");
      }
      return result.ok() ? ExitCodes.OK : ExitCodes.DENIED;
    }

    private static JWKSet load(Path f) throws DzException {
      try {
        return JWKSet.load(f.toFile());
      } catch (IOException | ParseException e) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--jwks " + f + " is not a readable JWK set");
      }
    }
  }
}
