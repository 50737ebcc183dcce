package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.model.Actor;

/** Actor of a token from an issuer DriftZero has no platform rules for. */
final class GenericActor {
  private GenericActor() {}

  /**
   * {@code explicitId} if given (the operator vouches for it; dz-control still matches policy on
   * the verified issuer and subject), else {@code <issuer host>/<sub>}.
   */
  static Actor of(IdToken token, String explicitId) throws DzException {
    if (explicitId != null && !explicitId.isBlank()) {
      return new Actor(IdTokenSource.PIPELINE, explicitId);
    }
    String host = Urls.authority(token.issuer(), "claim 'iss' of the token from " + token.source());
    return new Actor(IdTokenSource.PIPELINE, host + "/" + token.subject());
  }
}
