package io.driftzero.cli;

import com.nimbusds.jose.jwk.JWKSet;
import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.audit.AuditVerifier;
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
final class AuditCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: list, verify");
  }

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
          "Names the first broken event; exit 1 on any failure. Pin keys with --jwks to not trust the server's JWKS."})
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin Options.Server server;
    @Mixin Options.Output output;

    @Option(names = "--jwks", description = "A JWKS file to trust instead of the server's /.well-known/jwks.json.")
    Path jwksFile;

    @Override
    public Integer call() throws DzException {
      PrintWriter out = spec.commandLine().getOut();
      DzClient client = server.client(Dzctl.root(spec).env);
      JWKSet keys = jwksFile == null ? client.jwks() : load(jwksFile);
      List<AuditEvent> events = client.allAuditEvents(Map.of());
      AuditVerifier.Report report = new AuditVerifier(keys).verifyChain(events);
      if (output.json()) {
        out.println(Json.pretty(report));
      } else {
        out.println(report.summary());
      }
      return report.ok() ? ExitCodes.OK : ExitCodes.DENIED;
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
