package io.driftzero.cli;

import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Facts;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dzctl manifest init|hash}: write a manifest from a reference runner, or print a manifest's hash. */
@Command(name = "manifest", mixinStandardHelpOptions = true, description = "Environment manifests.",
    subcommands = {ManifestCommand.Init.class, ManifestCommand.Hash.class})
final class ManifestCommand {
  // Not mixinStandardHelpOptions: its -V/--version clashes with the manifest's --version, and picocli
  // then drops the whole mixin, --help included. Help is declared here; dzctl --version still works.
  @Command(name = "init",
      description = "Measure this (reference) runner and write a manifest that approves exactly what it saw.")
  static final class Init implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @Option(names = "--id", required = true, description = "dz://env/<name>") String id;
    @Option(names = "--version", required = true, description = "e.g. 2.4") String version;
    @Option(names = "--fact", description = "Extra fact to include (tool.<cmd>, env.<VAR>, file.sha256:/path); repeatable.")
    List<String> facts = new ArrayList<>();
    @Option(names = "--out", required = true, description = "Manifest file to write.") Path out;

    @Override
    public Integer call() throws DzException {
      for (String f : facts) {
        String problem = Facts.checkKey(f);
        if (problem != null) {
          throw new DzException(DzException.Kind.BAD_INPUT, "--fact: " + problem);
        }
      }
      if (!id.startsWith(Manifest.ID_PREFIX)) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--id " + Manifest.BAD_ID);
      }
      EnvironmentMeasurer m = new EnvironmentMeasurer(Dzctl.root(spec).env, SystemProbe.local());
      Manifest manifest = Manifest.fromMeasurements(id, version, null, m.measure(facts));
      try {
        Files.writeString(out, manifest.toYaml());
      } catch (IOException e) {
        throw new DzException(DzException.Kind.BAD_INPUT, "Cannot write " + out);
      }
      spec.commandLine().getOut().println("wrote " + out + " (" + manifest.hash() + "); review it before approving");
      return ExitCodes.OK;
    }
  }

  @Command(name = "hash", mixinStandardHelpOptions = true, description = "Validate a manifest and print its manifest_hash.")
  static final class Hash implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Parameters(paramLabel = "FILE") Path file;

    @Override
    public Integer call() throws DzException {
      Manifest m = Manifest.load(file);
      spec.commandLine().getOut().println(m.hash() + "  " + m.id() + "@" + m.version());
      return ExitCodes.OK;
    }
  }
}
