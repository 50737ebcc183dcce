package io.driftzero.core.sigstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Who signed, as a Fulcio certificate states it: the OIDC issuer, the subject alternative name
 * (a URI such as {@code https://github.com/org/repo/.github/workflows/x.yml@refs/heads/main}, or an
 * email) and the Fulcio extensions present. Kept in audit events next to the Rekor entry.
 */
public record SigstoreIdentity(String issuer, String subject, Map<FulcioExtension, String> extensions) {

  public SigstoreIdentity {
    extensions = extensions.isEmpty() ? Map.of() : Map.copyOf(extensions);
  }

  /** Reads the identity from a Fulcio leaf certificate; absent fields are null / missing. */
  public static SigstoreIdentity fromCertificate(X509Certificate cert) {
    Map<FulcioExtension, String> ext = new EnumMap<>(FulcioExtension.class);
    for (FulcioExtension e : FulcioExtension.values()) {
      String v = utf8Extension(cert, e.oid());
      if (v != null) {
        ext.put(e, v);
      }
    }
    String issuer = ext.containsKey(FulcioExtension.ISSUER) ? ext.get(FulcioExtension.ISSUER)
        : rawExtension(cert, FulcioExtension.LEGACY_ISSUER_OID);
    return new SigstoreIdentity(issuer, subjectAlternativeName(cert), ext);
  }

  public String extension(FulcioExtension e) {
    return extensions.get(e);
  }

  private static String subjectAlternativeName(X509Certificate cert) {
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return null;
      }
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        if (type == 6 || type == 1) { // URI or rfc822Name: what Fulcio writes
          return (String) san.get(1);
        }
      }
      return null;
    } catch (CertificateParsingException e) {
      return null;
    }
  }

  private static String utf8Extension(X509Certificate cert, String oid) {
    byte[] der = cert.getExtensionValue(oid);
    if (der == null) {
      return null;
    }
    try {
      ASN1Primitive inner = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(der).getOctets());
      return inner instanceof ASN1String s ? s.getString() : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String rawExtension(X509Certificate cert, String oid) {
    byte[] der = cert.getExtensionValue(oid);
    return der == null ? null
        : new String(ASN1OctetString.getInstance(der).getOctets(), StandardCharsets.UTF_8);
  }
}
