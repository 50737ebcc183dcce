package io.driftzero.core.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Consumer;

/** Edits a copy of a v0.3 bundle the way an attacker or a broken log would. */
final class BundleTamper {
  private BundleTamper() {}

  static JsonNode edit(JsonNode bundle, Consumer<ObjectNode> change) {
    ObjectNode copy = bundle.deepCopy();
    change.accept(copy);
    return copy;
  }

  static ObjectNode tlogEntry(ObjectNode bundle) {
    return (ObjectNode) bundle.path("verificationMaterial").path("tlogEntries").get(0);
  }

  /** Flips the last bit of the DER signature: still well-formed, no longer valid. */
  static JsonNode flipSignatureBit(JsonNode bundle) {
    return edit(bundle, b -> {
      ObjectNode ms = (ObjectNode) b.get("messageSignature");
      byte[] sig = Base64.getDecoder().decode(ms.get("signature").asText());
      sig[sig.length - 1] ^= 1;
      ms.put("signature", Base64.getEncoder().encodeToString(sig));
    });
  }

  /** Replaces the first sibling hash of the inclusion proof. */
  static JsonNode breakInclusionProof(JsonNode bundle) {
    return edit(bundle, b -> {
      ArrayNode hashes = (ArrayNode) tlogEntry(b).path("inclusionProof").get("hashes");
      hashes.set(0, Base64.getEncoder().encodeToString(new byte[32]));
    });
  }

  /** Moves the integrated time by {@code seconds} without re-signing the SET. */
  static JsonNode shiftIntegratedTime(JsonNode bundle, long seconds) {
    return edit(bundle, b -> {
      ObjectNode e = tlogEntry(b);
      e.put("integratedTime", Long.toString(e.get("integratedTime").asLong() + seconds));
    });
  }

  /**
   * Re-signs the same checkpoint note (same origin, size and root hash, same signer name and key
   * hint) with a fresh key the trusted root does not know.
   */
  static JsonNode resignCheckpointWithOtherKey(JsonNode bundle) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair other = g.generateKeyPair();
    ObjectNode copy = bundle.deepCopy();
    ObjectNode checkpoint = (ObjectNode) tlogEntry(copy).path("inclusionProof").get("checkpoint");
    String envelope = checkpoint.get("envelope").asText();
    int split = envelope.indexOf("\n\n");
    String note = envelope.substring(0, split + 1);
    String sigLine = envelope.substring(split + 2).trim();
    String[] parts = sigLine.split(" ");
    byte[] hint = Arrays.copyOf(Base64.getDecoder().decode(parts[2]), 4);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(other.getPrivate());
    s.update(note.getBytes(StandardCharsets.UTF_8));
    byte[] sig = s.sign();
    byte[] hintSig = new byte[4 + sig.length];
    System.arraycopy(hint, 0, hintSig, 0, 4);
    System.arraycopy(sig, 0, hintSig, 4, sig.length);
    checkpoint.put("envelope", note + "\n" + parts[0] + " " + parts[1] + " "
        + Base64.getEncoder().encodeToString(hintSig) + "\n");
    return copy;
  }
}
