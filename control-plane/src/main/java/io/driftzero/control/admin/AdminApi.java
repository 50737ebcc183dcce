package io.driftzero.control.admin;

import io.driftzero.core.json.Json;
import io.driftzero.core.model.ApiError;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API under {@code /v1/admin/}: read and validate the policy (reader), replace or reload
 * it (admin). Bearer tokens from {@link AdminTokens}; without {@code --admin-tokens} every admin
 * route answers 401 saying how to enable it.
 */
public final class AdminApi {
  private static final int MAX_POLICY_BYTES = 1 << 20;

  private AdminApi() {}

  public static void register(Javalin app, AdminTokens tokens, AdminService admin,
      io.driftzero.control.policy.PolicyStore policies) {
    app.get("/v1/admin/policy", ctx -> {
      if (auth(ctx, tokens, AdminTokens.Role.READER).isPresent()) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hash", policies.get().hash());
        out.put("policy", policies.text());
        out.put("last_reload_error", policies.lastError());
        json(ctx, 200, out);
      }
    });
    app.post("/v1/admin/policy/validate", ctx -> {
      if (auth(ctx, tokens, AdminTokens.Role.READER).isPresent()) {
        AdminService.Outcome o = admin.validate(body(ctx));
        json(ctx, o.applied() ? 200 : 422, view(o));
      }
    });
    app.put("/v1/admin/policy", ctx -> {
      Optional<AdminTokens.Principal> who = auth(ctx, tokens, AdminTokens.Role.ADMIN);
      if (who.isPresent()) {
        AdminService.Outcome o = admin.replace(who.get(), body(ctx));
        json(ctx, o.applied() ? 200 : 422, view(o));
      }
    });
    app.post("/v1/admin/keys/rotate", ctx -> {
      Optional<AdminTokens.Principal> who = auth(ctx, tokens, AdminTokens.Role.ADMIN);
      if (who.isPresent()) {
        AdminService.Outcome o = admin.rotateKeys(who.get(), ctx.queryParam("key"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("result", o.applied() ? AdminService.APPLIED : AdminService.REJECTED);
        out.put("rotated", o.policyHash());
        if (o.error() != null) {
          out.put("error", o.error());
        }
        out.put("audit_id", o.auditId());
        json(ctx, o.applied() ? 200 : 422, out);
      }
    });
    app.post("/v1/admin/policy/reload", ctx -> {
      Optional<AdminTokens.Principal> who = auth(ctx, tokens, AdminTokens.Role.ADMIN);
      if (who.isPresent()) {
        AdminService.Outcome o = admin.reload(who.get());
        json(ctx, o.applied() ? 200 : 422, view(o));
      }
    });
  }

  private static Map<String, Object> view(AdminService.Outcome o) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("result", o.applied() ? AdminService.APPLIED : AdminService.REJECTED);
    out.put("policy_hash", o.policyHash());
    if (o.error() != null) {
      out.put("error", o.error());
    }
    if (o.auditId() != null) {
      out.put("audit_id", o.auditId());
    }
    return out;
  }

  /** The caller, or empty after answering 401/403. */
  private static Optional<AdminTokens.Principal> auth(Context ctx, AdminTokens tokens, AdminTokens.Role needed) {
    if (tokens == null) {
      json(ctx, 401, ApiError.of("UNAUTHENTICATED", "Authorization",
          "the admin API is not enabled: start dz-control with --admin-tokens FILE"));
      return Optional.empty();
    }
    String h = ctx.header("Authorization");
    Optional<AdminTokens.Principal> who = h != null && h.startsWith("Bearer ")
        ? tokens.authenticate(h.substring(7).trim()) : Optional.empty();
    if (who.isEmpty()) {
      json(ctx, 401, ApiError.of("UNAUTHENTICATED", "Authorization", "send an admin token as 'Authorization: Bearer <token>'"));
      return Optional.empty();
    }
    if (!who.get().may(needed)) {
      json(ctx, 403, ApiError.of("FORBIDDEN", "Authorization", "token '" + who.get().name()
          + "' has role reader; this needs role admin"));
      return Optional.empty();
    }
    return who;
  }

  private static String body(Context ctx) throws java.io.IOException {
    byte[] b;
    try (var in = ctx.req().getInputStream()) {
      b = in.readNBytes(MAX_POLICY_BYTES + 1);
    }
    if (b.length > MAX_POLICY_BYTES) {
      throw new io.driftzero.control.api.BadRequest("(body)", "a policy is at most 1 MiB");
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }
}
