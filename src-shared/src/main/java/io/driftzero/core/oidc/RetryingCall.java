package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import java.io.IOException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One HTTP request with bounded retries: connect errors, timeouts, 429 and 5xx are retried with
 * backoff; any other answer goes to the reader as is. Messages name the endpoint, never the request
 * headers (they carry a bearer token).
 */
final class RetryingCall {
  /** Reads a final (non-retried) response. */
  interface Reader<T> {
    T read(Response response, String where) throws DzException, IOException;
  }

  private final OkHttpClient http;
  private final HttpPolicy policy;
  private final String where;

  RetryingCall(OkHttpClient http, HttpPolicy policy, String where) {
    this.http = http;
    this.policy = policy;
    this.where = where;
  }

  <T> T execute(Request request, Reader<T> reader) throws DzException {
    String last = "no attempt made";
    for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
      if (attempt > 1) {
        sleep(policy.backoffAfter(attempt - 1).toMillis());
      }
      try (Response response = http.newCall(request).execute()) {
        int code = response.code();
        if (code == 429 || code >= 500) {
          last = "HTTP " + code;
          continue;
        }
        return reader.read(response, where);
      } catch (IOException e) {
        // Exception class and message only: OkHttp's messages name host and port, not headers.
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
    }
    throw new DzException(
        Kind.UNAVAILABLE,
        where + " unavailable after " + policy.maxAttempts() + " attempts (last: " + last
            + "); retry the job, and check the CI platform's status page if it persists");
  }

  private void sleep(long millis) throws DzException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DzException(Kind.UNAVAILABLE, "interrupted while retrying " + where, e);
    }
  }
}
