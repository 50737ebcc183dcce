package io.driftzero.control.policy;

import io.driftzero.core.DzException;
import io.driftzero.core.policy.PolicyLoader;
import io.driftzero.core.policy.PolicySet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force, reloadable without restart: when the file changes (checked at most every
 * couple of seconds, on use) it is re-read; an invalid edit is logged with its line and the last
 * good policy stays in force, so a typo never opens or closes the gate by accident.
 */
public final class PolicyStore {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyStore.class);
  private static final long CHECK_EVERY_MS = 2_000;

  private final Path file;
  private final Clock clock;
  private final AtomicReference<PolicySet> current = new AtomicReference<>();
  private volatile FileTime loadedMtime;
  private volatile long nextCheck;
  private volatile String lastError;

  public PolicyStore(Path file, Clock clock) throws DzException {
    this.file = file;
    this.clock = clock;
    current.set(PolicyLoader.load(file));
    loadedMtime = mtime();
  }

  /** The policy in force (reloaded first if the file changed). */
  public PolicySet get() {
    long now = clock.millis();
    if (now >= nextCheck) {
      nextCheck = now + CHECK_EVERY_MS;
      FileTime m = mtime();
      if (m != null && !m.equals(loadedMtime)) {
        reload();
      }
    }
    return current.get();
  }

  /** Re-reads the file now; returns the error text if it was rejected (the old policy stays). */
  public synchronized String reload() {
    FileTime m = mtime();
    try {
      PolicySet next = PolicyLoader.load(file);
      current.set(next);
      loadedMtime = m;
      lastError = null;
      LOG.info("policy reloaded from {} ({})", file, next.hash());
      return null;
    } catch (DzException e) {
      loadedMtime = m;
      lastError = e.getMessage();
      LOG.error("policy reload rejected, previous policy stays in force: {}", e.getMessage());
      return e.getMessage();
    }
  }

  public String lastError() {
    return lastError;
  }

  private FileTime mtime() {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return null;
    }
  }
}
