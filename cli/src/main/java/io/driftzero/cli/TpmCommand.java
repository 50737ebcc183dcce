package io.driftzero.cli;

import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.json.Json;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.tpm.AkInfo;
import io.driftzero.core.tpm.Tpm;
import io.driftzero.core.tpm.TpmInfo;
import io.driftzero.core.tpm.TpmMode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dzctl tpm info}: what TPM is here, and the AK name an admin enrols. */
@Command(name = "tpm", mixinStandardHelpOptions = true, description = "TPM 2.0 tools.",
    subcommands = {TpmCommand.Info.class})
final class TpmCommand {
  @Command(name = "info", mixinStandardHelpOptions = true,
      description = {"Show the TPM found (vendor, firmware, PCR banks), create or reuse the persistent",
          "attestation key (handle 0x81010010) and print its TPM name to enrol under tpm_aks, and the",
          "SHA-256 PCR values 0-7 for a manifest's pcrs."})
  static final class Info implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin Options.Output output;

    @Option(names = "--tpm", description = "auto (kernel device), device, or swtpm:HOST:PORT (default: $DZ_TPM, else auto).")
    String tpm;

    @Override
    public Integer call() throws DzException {
      TpmMode mode = TpmMode.parse(tpm != null ? tpm : Dzctl.root(spec).env.getOrDefault("DZ_TPM", "auto"));
      if (!mode.enabled()) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--tpm none has no TPM to show; give auto, device or swtpm:HOST:PORT");
      }
      try (Tpm t = Tpm.open(mode)) {
        TpmInfo info = t.info();
        AkInfo ak = t.attestationKey();
        SortedMap<Integer, String> pcrs = t.pcrRead(Manifest.DEFAULT_PCR_SELECTION);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("tpm", info);
          o.put("ak_handle", String.format("0x%08x", ak.handle()));
          o.put("ak_name", ak.name());
          o.put("ak_public_key", ak.publicKeyPem());
          o.put("pcrs_sha256", pcrs);
          out.println(Json.pretty(o));
        } else {
          out.println("tpm: " + info.manufacturer() + " " + info.vendor() + " firmware " + info.firmwareVersion()
              + " via " + info.transport());
          out.println("pcr banks: " + info.pcrBanks());
          out.println("attestation key: handle " + String.format("0x%08x", ak.handle()));
          out.println("ak_name: " + ak.name() + "   <- enrol this under tpm_aks in the policy");
          out.println("pcrs (sha256):");
          pcrs.forEach((k, v) -> out.println("  \"" + k + "\": " + v));
        }
        return ExitCodes.OK;
      }
    }
  }
}
