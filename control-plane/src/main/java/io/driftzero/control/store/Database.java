package io.driftzero.control.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
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

  public static Database open(String jdbcUrl, String user, String password) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl);
    if (user != null) {
      c.setUsername(user);
    }
    if (password != null) {
      c.setPassword(password);
    }
    c.setMaximumPoolSize(jdbcUrl.startsWith("jdbc:h2:") ? 8 : 16);
    c.setPoolName("dz-store");
    c.setAutoCommit(true);
    c.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    HikariDataSource ds = new HikariDataSource(c);
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Database(ds);
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
