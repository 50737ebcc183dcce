package io.driftzero.core.sigstore;

/**
 * Points the JVM's default TLS trust at a PKCS12 file. sigstore-java's gRPC Fulcio client offers no
 * per-client trust, so a private CA can only be trusted JVM-wide, and only before the first TLS
 * connection the default trust manager serves. Called only when an instance names a trust store.
 */
final class TrustStores {
  private TrustStores() {}

  static synchronized void useForJvm(SigstoreInstance.TrustStore store) {
    System.setProperty("javax.net.ssl.trustStore", store.path().toAbsolutePath().toString());
    System.setProperty("javax.net.ssl.trustStorePassword", store.password());
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
  }
}
