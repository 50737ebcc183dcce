package io.jenkins.plugins.driftzero;

import hudson.AbortException;

/** A DriftZero denial that fails the build: the message names the policy, every reason and the audit id. */
public class DriftZeroDeniedException extends AbortException {
  private static final long serialVersionUID = 1L;

  public DriftZeroDeniedException(String message) {
    super(message);
  }
}
