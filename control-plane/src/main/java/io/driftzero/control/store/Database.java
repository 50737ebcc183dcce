package io.driftzero.control.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.driftzero.core.DzException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The store: a pooled JDBC data source with the schema brought up to date by versioned migrations
 * ({@code db/migration}). The embedded default is an H2 file database in the data directory; a JDBC
 * URL switches to PostgreSQL. Callers run work in {@link #tx}.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource ds;

  private Database(HikariDataSource ds) {
    this.ds = ds;
  }

  /** The embedded file database under {@code dataDir}. */
  public static String embeddedUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("dz") + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /** Pool settings: how many connections, and how long a request waits for one before it gets 503. */
  public record Pool(int maxSize, Duration acquireTimeout) {
    /** 16 connections (8 for the embedded store), 5 s: a request fails fast when the store is down. */
    public static Pool defaults(String jdbcUrl) {
      return new Pool(jdbcUrl.startsWith("jdbc:h2:") ? 8 : 16, Duration.ofSeconds(5));
    }
  }

  public static Database open(String jdbcUrl, String user, String password) throws DzException {
    return open(jdbcUrl, user, password, Pool.defaults(jdbcUrl));
  }

  /**
   * Connects and migrates. Fails with {@code BAD_INPUT} when the URL is not one dz-control can use,
   * naming {@code --jdbc-url}; with {@code UNAVAILABLE} when the database does not answer, naming its
   * host and port. Neither message carries the password.
   */
  public static Database open(String jdbcUrl, String user, String password, Pool pool) throws DzException {
    String where = describe(jdbcUrl);
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl);
    if (user != null) {
      c.setUsername(user);
    }
    if (password != null) {
      c.setPassword(password);
    }
    c.setMaximumPoolSize(pool.maxSize());
    c.setConnectionTimeout(Math.max(250, pool.acquireTimeout().toMillis()));
    c.setValidationTimeout(Math.max(250, Math.min(pool.acquireTimeout().toMillis(), 2000)));
    c.setPoolName("dz-store");
    c.setAutoCommit(true);
    c.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(c);
    } catch (RuntimeException e) {
      throw new DzException(DzException.Kind.UNAVAILABLE, "Cannot connect to the database at " + where
          + " (--jdbc-url): " + rootMessage(e) + "; check that it runs, is reachable from here, and that"
          + " DZ_JDBC_USER / DZ_JDBC_PASSWORD are right");
    }
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw new DzException(DzException.Kind.UNAVAILABLE, "Cannot bring the schema of the database at " + where
          + " up to date: " + rootMessage(e));
    }
    return new Database(ds);
  }

  /**
   * {@code host:port/database} of a PostgreSQL URL, or the H2 file; {@code BAD_INPUT} naming
   * {@code --jdbc-url} for anything else. Query parameters (which may hold a password) are not shown.
   */
  public static String describe(String jdbcUrl) throws DzException {
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:h2:")) {
      return jdbcUrl.split(";", 2)[0];
    }
    Properties p = jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:") ? null
        : org.postgresql.Driver.parseURL(jdbcUrl, null);
    if (p == null) {
      String shown = jdbcUrl == null ? "" : jdbcUrl.split("\\?", 2)[0];
      throw new DzException(DzException.Kind.BAD_INPUT, "--jdbc-url '" + shown + "' is not a PostgreSQL JDBC URL;"
          + " write jdbc:postgresql://HOST:PORT/DATABASE (user and password go in DZ_JDBC_USER and DZ_JDBC_PASSWORD)");
    }
    return p.getProperty("PGHOST") + ":" + p.getProperty("PGPORT") + "/" + p.getProperty("PGDBNAME");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  public DataSource dataSource() {
    return ds;
  }

  /** Work that runs inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in a transaction: committed if it returns, rolled back if it throws. */
  public <T> T tx(Work<T> work) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        T out = work.run(c);
        c.commit();
        return out;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /** Whether the database answers (readiness). */
  public boolean ping() {
    try (Connection c = ds.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    ds.close();
  }
}
