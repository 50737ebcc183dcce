package io.driftzero.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent version reported in attestations ({@code agent_version}), from the build. */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/io/driftzero/core/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "0.0.0-dev");
    } catch (IOException e) {
      return "0.0.0-dev";
    }
  }
}
