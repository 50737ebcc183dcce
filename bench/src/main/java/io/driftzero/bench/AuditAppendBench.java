package io.driftzero.bench;

import io.driftzero.control.audit.AuditLog;
import io.driftzero.control.store.Database;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.sign.EcKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** One signed, chained audit append committed to the embedded file database. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AuditAppendBench {
  private Database db;
  private AuditLog log;

  @Setup
  public void setup() throws Exception {
    Path dir = Files.createTempDirectory("dz-bench-audit");
    db = Database.open(Database.embeddedUrl(dir), null, null);
    log = new AuditLog(db, EcKeys.withThumbprintId(EcKeys.generate()));
  }

  @TearDown
  public void tearDown() {
    db.close();
  }

  @Benchmark
  public AuditEvent append() {
    return log.append(new AuditEvent(UUID.randomUUID().toString(), null,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), Fixtures.ACTOR,
        new AuditEvent.Environment("dz://env/bench", "1.0", "sha256:00"), Fixtures.POLICY, AuditEvent.ATTEST,
        "ACCEPTED", null, null, null, UUID.randomUUID().toString(), null, null, null, "none", null, null, null));
  }
}
