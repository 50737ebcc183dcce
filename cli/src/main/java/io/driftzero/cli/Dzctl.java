package io.driftzero.cli;

import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.Version;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dzctl}: the DriftZero agent and auditor CLI. The GitHub Action and the GitLab component run
 * it; every command has {@code --help}, {@code --output json} and the documented exit codes.
 */
@Command(name = "dzctl", mixinStandardHelpOptions = true, versionProvider = Dzctl.VersionProvider.class,
    description = "Prove where and how a CI/CD job ran, then ask dz-control for power.",
    subcommands = {AttestCommand.class, CredentialsCommand.class, AuditCommand.class, KeygenCommand.class,
        ManifestCommand.class, MeasureCommand.class, TpmCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "1:denied or verification failed", "2:usage or invalid input",
        "3:dz-control or another peer unavailable"},
    footerHeading = "%nEnvironment:%n",
    footer = {"DZ_CONTROL_URL   default for --server", "DZ_POLICY        default for --policy",
        "DZ_AGENT_KEY     default for --key", "DZ_SESSION_FILE  default for --session-file",
        "DZ_TPM           default for --tpm"})
public final class Dzctl {

  final Map<String, String> env;

  Dzctl(Map<String, String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs dzctl with an explicit environment and streams (what tests and wrappers call). */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Dzctl(env));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (ex instanceof DzException dz) {
        line.getErr().println("dzctl: " + dz.getMessage());
        return ExitCodes.of(dz);
      }
      line.getErr().println("dzctl: unexpected error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
      return ExitCodes.DENIED;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The root command of any subcommand, for the environment map. */
  static Dzctl root(CommandLine.Model.CommandSpec spec) {
    return (Dzctl) spec.root().userObject();
  }

  /** Prints the build's version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dzctl " + Version.get()};
    }
  }
}
