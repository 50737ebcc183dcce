package io.driftzero.core.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * mock-oauth2-server asks for BouncyCastle 1.85; the project pins one version for everything
 * (sigstore-java is built against it). This guards the exclusion in the parent POM.
 */
class OidcIssuerClasspathTest {
  @Test
  void onlyThePinnedBouncyCastleIsOnTheTestClasspath() {
    String pinned = System.getProperty("driftzero.bouncycastle.version");
    assumeTrue(pinned != null, "run through Maven, which passes the pinned version");
    List<String> bcJars =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(p -> p.substring(p.lastIndexOf(File.separatorChar) + 1))
            .filter(name -> name.startsWith("bc") && name.contains("-jdk18on-"))
            .sorted()
            .toList();
    assertEquals(
        List.of("bcpkix-jdk18on-" + pinned + ".jar", "bcprov-jdk18on-" + pinned + ".jar",
            "bcutil-jdk18on-" + pinned + ".jar"),
        bcJars);
  }
}
