package io.driftzero.control.store;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StoreBehaviour} on a real PostgreSQL (the production store), in a fresh database. */
class PostgresStoreTest extends StoreBehaviour {
  @RegisterExtension static final Postgres PG = new Postgres();

  @BeforeAll
  static void start() throws Exception {
    startOn(new StoreHarness.Store("postgresql", PG.url(), PG.user(), PG.password()));
  }
}
