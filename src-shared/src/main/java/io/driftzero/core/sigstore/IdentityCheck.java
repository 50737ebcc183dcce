package io.driftzero.core.sigstore;

import io.driftzero.core.model.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Compares a verified certificate's identity with a policy; reports every mismatch, not only the first. */
final class IdentityCheck {
  private IdentityCheck() {}

  static List<Reason> check(SigstoreIdentity id, IdentityPolicy policy) {
    List<Reason> reasons = new ArrayList<>();
    if (!policy.issuer().equals(id.issuer())) {
      reasons.add(new Reason(SigstoreReasons.ISSUER_MISMATCH,
          "Certificate issuer is '" + id.issuer() + "', policy allows '" + policy.issuer() + "'"));
    }
    if (!policy.subjectMatches(id.subject())) {
      reasons.add(new Reason(SigstoreReasons.SUBJECT_MISMATCH,
          "Certificate subject is '" + id.subject() + "', policy allows " + policy.describeSubject()));
    }
    for (Map.Entry<FulcioExtension, String> req : policy.requiredExtensions().entrySet()) {
      String actual = id.extension(req.getKey());
      if (!Objects.equals(req.getValue(), actual)) {
        reasons.add(new Reason(SigstoreReasons.EXTENSION_MISMATCH, "Certificate " + req.getKey()
            + " (" + req.getKey().oid() + ") is '" + actual + "', policy requires '" + req.getValue() + "'"));
      }
    }
    if (!policy.allowSelfHosted()
        && FulcioExtension.SELF_HOSTED.equals(id.extension(FulcioExtension.RUNNER_ENVIRONMENT))) {
      reasons.add(new Reason(SigstoreReasons.SELF_HOSTED_RUNNER,
          "The job ran on a self-hosted runner; this policy accepts only platform-hosted runners"));
    }
    return reasons;
  }
}
