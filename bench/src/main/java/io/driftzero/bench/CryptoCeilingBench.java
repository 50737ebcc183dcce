package io.driftzero.bench;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The raw ECDSA P-256/SHA-256 ceiling on this JVM, per provider: dz-control's figures read as a
 * fraction of these (an attest verifies one signature and signs one audit event; a credential signs
 * a JWT and an audit event).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoCeilingBench {
  @Param({"SunEC", "BC"})
  String provider;

  private Signature signer;
  private Signature verifier;
  private byte[] data;
  private byte[] sig;

  @Setup
  public void setup() throws Exception {
    if (Security.getProvider("BC") == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
    Provider p = Security.getProvider(provider);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    signer = Signature.getInstance("SHA256withECDSA", p);
    signer.initSign(kp.getPrivate());
    verifier = Signature.getInstance("SHA256withECDSA", p);
    verifier.initVerify(kp.getPublic());
    data = new byte[700]; // about one canonical attestation
    signer.update(data);
    sig = signer.sign();
  }

  @Benchmark
  public byte[] sign() throws Exception {
    signer.update(data);
    return signer.sign();
  }

  @Benchmark
  public boolean verify() throws Exception {
    verifier.update(data);
    return verifier.verify(sig);
  }
}
