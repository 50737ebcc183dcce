package io.driftzero.cli;

import io.driftzero.core.AttestFlow;
import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.client.DzClient;
import java.io.PrintWriter;

/** {@code dzctl attest --dry-run}: what dz-control would decide, with every failing rule. */
final class DryRun {
  private DryRun() {}

  static int run(DzClient client, AttestFlow flow, Options.Output output, PrintWriter out) throws DzException {
    DzClient.Explanation e = flow.explain();
    if (output.json()) {
      out.println(io.driftzero.core.json.Json.pretty(e));
    } else {
      out.println("would decide: " + e.result());
      e.reasons().forEach(r -> out.println("reason: " + r.code() + ": " + r.message()));
    }
    return "WOULD_ACCEPT".equals(e.result()) ? ExitCodes.OK : ExitCodes.DENIED;
  }
}
