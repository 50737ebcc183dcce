package io.driftzero.cli;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.json.Json;
import io.driftzero.core.sign.EcKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dzctl keygen}: an agent signing key to enrol in policy. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Create an ECDSA P-256 agent key (PEM, mode 0600) and print its public key and key id",
        "for an admin to enrol under agent_keys in the policy."})
final class KeygenCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin Options.Output output;

  @Option(names = "--out", required = true, description = "Private key file to create (refuses to overwrite).")
  Path out;

  @Override
  public Integer call() throws DzException {
    if (Files.exists(out)) {
      throw new DzException(DzException.Kind.BAD_INPUT, out + " exists; choose another --out (keys are never overwritten)");
    }
    ECKey key = EcKeys.generate();
    EcKeys.writePrivate(key, out);
    ECKey withId = EcKeys.withThumbprintId(key);
    String pem = EcKeys.publicPem(key);
    Path pub = Path.of(out + ".pub");
    try {
      Files.writeString(pub, pem);
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT, "Cannot write " + pub);
    }
    PrintWriter w = spec.commandLine().getOut();
    if (output.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("key_id", withId.getKeyID());
      o.put("private_key_file", out.toString());
      o.put("public_key_file", pub.toString());
      o.put("public_key", pem);
      w.println(Json.pretty(o));
    } else {
      w.println("key_id: " + withId.getKeyID());
      w.println("private key: " + out + " (keep it secret)");
      w.println("public key:  " + pub + " — enrol it in the policy:");
      w.print(pem);
    }
    return ExitCodes.OK;
  }
}
