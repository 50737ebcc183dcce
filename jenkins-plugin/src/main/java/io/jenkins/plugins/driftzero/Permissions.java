package io.jenkins.plugins.driftzero;

import hudson.model.Item;
import jenkins.model.Jenkins;

/** Who may run a job-level form check: whoever may configure the job (admins outside a job). */
final class Permissions {
  private Permissions() {}

  static void checkConfigure(Item item) {
    if (item == null) {
      Jenkins.get().checkPermission(Jenkins.ADMINISTER);
    } else {
      item.checkPermission(Item.CONFIGURE);
    }
  }
}
