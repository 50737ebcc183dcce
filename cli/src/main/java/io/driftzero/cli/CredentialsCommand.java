package io.driftzero.cli;

import io.driftzero.core.AttestFlow;
import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.client.Session;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.report.CredentialSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dzctl credentials request}: exchange the attest session for a short-lived credential. */
@Command(name = "credentials", mixinStandardHelpOptions = true, description = "Short-lived scoped credentials.",
    subcommands = {CredentialsCommand.Request.class})
final class CredentialsCommand {
  @Command(name = "request", mixinStandardHelpOptions = true,
      description = {"Ask dz-control for a credential on the session 'dzctl attest' saved.",
          "--output text prints the decision without the token; json prints the whole response;",
          "env prints NAME=value lines for eval. Exit 1 when DENIED."})
  static final class Request implements Callable<Integer> {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--scope", required = true, description = "Scope, e.g. deploy.")
    String scope;

    @Option(names = "--target", required = true, description = "Target (the credential's audience), e.g. aws-prod-account-1234.")
    String target;

    @Option(names = "--ttl", required = true, description = "Lifetime in seconds (at most the policy's max_ttl_seconds).")
    int ttl;

    @Option(names = "--session-file", description = "Session saved by 'dzctl attest' (default: as attest).")
    Path sessionFile;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text, json or env (default ${DEFAULT-VALUE}).")
    Options.Format output;

    @Option(names = "--env-var", defaultValue = "DZ_CREDENTIAL", description = "Variable name for --output env (default ${DEFAULT-VALUE}).")
    String envVar;

    @Option(names = "--show-token", description = "With --output text, also print the token (a secret).")
    boolean showToken;

    @Override
    public Integer call() throws DzException {
      var env = Dzctl.root(spec).env;
      PrintWriter out = spec.commandLine().getOut();
      if (!ENV_NAME.matcher(envVar).matches()) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--env-var '" + envVar + "' is not a valid variable name");
      }
      Session s = Session.load(Options.sessionFile(sessionFile, env));
      DzClient client = DzClient.builder(s.server()).build();
      CredentialResponse r = AttestFlow.requestCredential(client, s.attestationId(), s.sessionToken(), scope, target, ttl);
      switch (output) {
        case json -> out.println(Json.pretty(r));
        case env -> {
          if (r.issued()) {
            out.println(envVar + "=" + r.credential().token());
            out.println(envVar + "_EXPIRES_AT=" + r.expiresAt());
          }
          out.println("DZ_RESULT=" + r.result());
          out.println("DZ_AUDIT_ID=" + r.auditId());
        }
        default -> {
          CredentialSummary.of(r).lines().forEach(out::println);
          if (r.issued() && showToken) {
            out.println("token: " + r.credential().token());
          }
        }
      }
      return r.issued() ? ExitCodes.OK : ExitCodes.DENIED;
    }
  }
}
