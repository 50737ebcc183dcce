package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import java.net.URI;
import java.net.URISyntaxException;

/** The small URL surgery actor ids need: scheme and trailing slash off, host and port kept. */
final class Urls {
  private Urls() {}

  /**
   * {@code https://ci.example.com:8443/job/app/} becomes {@code ci.example.com:8443/job/app}. The
   * port stays when given, as in GitLab's own {@code ci_config_ref_uri} for self-managed hosts.
   *
   * @param what names the value in the error, e.g. "claim 'sub' of the Jenkins token"
   */
  static String withoutScheme(String url, String what) throws DzException {
    URI uri = parse(url, what);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return authority(uri) + path;
  }

  /** {@code host[:port]} of an http(s) URL. */
  static String authority(String url, String what) throws DzException {
    return authority(parse(url, what));
  }

  private static String authority(URI uri) {
    return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
  }

  private static URI parse(String url, String what) throws DzException {
    try {
      URI uri = new URI(url);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new DzException(Kind.BAD_INPUT, what + " is not an http(s) URL: '" + url + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new DzException(Kind.BAD_INPUT, what + " is not a valid URL: '" + url + "'");
    }
  }
}
