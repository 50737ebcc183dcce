package io.driftzero.cli;

import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.json.Json;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dzctl measure}: print what the agent would report, without sending anything. */
@Command(name = "measure", mixinStandardHelpOptions = true,
    description = "Print this runner's measurements (the base facts plus those a manifest names) as JSON.")
final class MeasureCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--manifest", description = "Also measure the facts this manifest names.")
  Path manifest;

  @Override
  public Integer call() throws DzException {
    EnvironmentMeasurer m = new EnvironmentMeasurer(Dzctl.root(spec).env, SystemProbe.local());
    Map<String, String> facts = manifest == null ? m.measure(List.of()) : m.measure(Manifest.load(manifest));
    spec.commandLine().getOut().println(Json.pretty(facts));
    return ExitCodes.OK;
  }
}
