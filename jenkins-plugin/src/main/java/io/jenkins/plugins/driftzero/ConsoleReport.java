package io.jenkins.plugins.driftzero;

import hudson.console.HyperlinkNote;
import hudson.model.TaskListener;
import io.driftzero.core.report.AttestSummary;
import io.driftzero.core.report.CredentialSummary;

/** Prints the core's report lines to the build log; the Rekor entry becomes a link when its URL is known. */
final class ConsoleReport {
  static final String PREFIX = "[DriftZero] ";

  private ConsoleReport() {}

  static void print(TaskListener listener, AttestSummary s) {
    for (String line : s.lines()) {
      if (s.rekorEntryUrl() != null && line.equals("rekor_uuid: " + s.rekorUuid())) {
        listener.getLogger().println(PREFIX + "rekor_uuid: " + HyperlinkNote.encodeTo(s.rekorEntryUrl(), s.rekorUuid()));
      } else {
        listener.getLogger().println(PREFIX + line);
      }
    }
  }

  static void print(TaskListener listener, CredentialSummary s) {
    for (String line : s.lines()) {
      listener.getLogger().println(PREFIX + "credential " + line);
    }
  }
}
