package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.driftzero.control.nonce.NonceService;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Races on the nonce and on the audit chain head, through HTTP. */
class ConcurrencyTest {
  @TempDir static Path dir;
  static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static <T> List<T> race(int n, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fs.add(pool.submit(() -> {
          go.await();
          return task.call();
        }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twentyParallelAttestsWithOneNonceAcceptExactlyOne() throws Exception {
    AttestRequest req = stack.draft().build();
    long before = stack.cp.audit().height();
    List<AttestResponse> rs = race(20, () -> stack.client.attest(req));
    assertEquals(1, rs.stream().filter(AttestResponse::accepted).count());
    rs.stream().filter(r -> !r.accepted())
        .forEach(r -> assertEquals(Set.of(NonceService.NONCE_REUSED), TestStack.codes(r.reasons())));
    assertEquals(before + 20, stack.cp.audit().height(), "every decision recorded");
    stack.chain();
  }

  @Test
  void fiftyParallelFlowsKeepTheChainGapFree() throws Exception {
    long before = stack.cp.audit().height();
    List<CredentialResponse> rs = race(50, () -> {
      AttestResponse a = stack.client.attest(stack.draft().build());
      return stack.client.credentials(new CredentialRequest(a.attestationId(), TestStack.SCOPE, TestStack.TARGET, 60),
          a.sessionToken());
    });
    assertEquals(50, rs.stream().filter(CredentialResponse::issued).count());
    TestStack.ChainState after = stack.chain();
    assertEquals(before + 100, after.height());
    assertEquals(after.height(), (long) after.report().checked(), "seq 1..n with no gap, each verified");
    assertEquals(50, rs.stream().map(CredentialResponse::auditId).distinct().count());
  }
}
