package io.driftzero.control.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.oidc.GitHubActionsIdTokenSource;
import io.driftzero.core.oidc.IdToken;
import io.driftzero.core.oidc.IdTokenSource;
import io.driftzero.core.oidc.IdTokenSources;
import io.driftzero.core.sigstore.SigstoreInstance;
import io.driftzero.core.sigstore.SigstoreSigner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The local Sigstore stack started by {@code scripts/sigstore-stack.sh} (Fulcio and Rekor stand-ins
 * plus a GitHub-style token endpoint), when it is running: the demo then signs keylessly exactly as
 * a GitHub job does, through the same token source, signer and verifier as production.
 */
record LocalSigstore(Path trustedRoot, SigstoreInstance instance, String issuer, String subject,
    Map<String, String> runnerEnv) {

  /** Present when {@code <workDir>/sigstore/stack.json} exists and its Rekor answers. */
  static Optional<LocalSigstore> detect(Path workDir) throws DzException {
    Path info = workDir.resolve("sigstore/stack.json");
    if (!Files.isRegularFile(info)) {
      return Optional.empty();
    }
    JsonNode s;
    try {
      s = Json.mapper().readTree(Files.readString(info));
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!s.hasNonNull("demoTokenUrl") || !reachable(s.get("rekorUrl").asText())) {
      return Optional.empty();
    }
    SigstoreInstance instance = SigstoreInstance.builder(Path.of(s.get("trustedRoot").asText()),
            Path.of(s.get("signingConfig").asText()))
        .trustStore(Path.of(s.get("truststore").asText()), s.get("truststorePassword").asText()).build();
    Map<String, String> env = Map.of(GitHubActionsIdTokenSource.REQUEST_URL, s.get("demoTokenUrl").asText(),
        GitHubActionsIdTokenSource.REQUEST_TOKEN, s.get("demoRequestToken").asText());
    return Optional.of(new LocalSigstore(Path.of(s.get("trustedRoot").asText()), instance,
        s.get("demoIssuer").asText(), s.get("demoSubject").asText(), env));
  }

  /** A signer holding a fresh job token, and the actor that token certifies. */
  record Signing(SigstoreSigner signer, String actor) {}

  Signing signing() throws DzException {
    IdTokenSource source = IdTokenSources.detect(runnerEnv,
        IdTokenSources.Options.defaults(Clock.systemUTC()).withChoice("github"));
    IdToken token = source.fetch("sigstore");
    return new Signing(SigstoreSigner.create(instance, token.raw()), source.actor(token).id());
  }

  /** The policy lines accepting exactly the demo job's keyless identity. */
  String policyLines() {
    return "    sigstore_identities:\n"
        + "      - issuer: " + issuer + "\n"
        + "        subject: " + subject + "\n"
        + "        extensions:\n"
        + "          source_repository_ref: refs/heads/main\n";
  }

  private static boolean reachable(String url) {
    URI u = URI.create(url);
    try (Socket sock = new Socket()) {
      sock.connect(new InetSocketAddress(u.getHost(), u.getPort()), 300);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
