package io.driftzero.control.store;

import org.junit.jupiter.api.BeforeAll;

/** {@link StoreBehaviour} on the embedded H2 file database (the default store). */
class H2StoreTest extends StoreBehaviour {
  @BeforeAll
  static void start() throws Exception {
    startOn(StoreHarness.Store.embedded());
  }
}
