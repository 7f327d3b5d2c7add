package io.pillsnap.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * RBAC as the API server enforces it for the operator's ServiceAccount, bound to the chart's rules:
 * every request of a running operator instance needs its verb on its resource granted, and, as
 * OwnerReferencesPermissionEnforcement (OpenShift, hardened clusters) demands, an owner reference
 * with blockOwnerDeletion needs {@code update} on the owner's {@code finalizers}, and changing an
 * object's owner references needs {@code delete} on the object. A request without them is refused
 * with 403, and the refusal is kept for the test to fail on.
 */
public final class RbacGuard implements ApiServer.Guard {

    /** A verb on a resource[/subresource] of an API group ("" the core group). */
    public record Permission(String verb, String group, String resource) {

        @Override
        public String toString() {
            return verb + " " + resource + (group.isEmpty() ? "" : "." + group);
        }
    }

    private final List<PolicyRule> rules;
    private final Function<ApiRequest, JsonNode> stored;
    private final Set<Permission> used = ConcurrentHashMap.newKeySet();
    private final List<String> refusals = new CopyOnWriteArrayList<>();

    /**
     * @param stored the object a request is about, as the API server holds it (null: none)
     */
    public RbacGuard(List<PolicyRule> rules, Function<ApiRequest, JsonNode> stored) {
        this.rules = rules;
        this.stored = stored;
    }

    @Override
    public MockResponse before(ApiRequest request) {
        if (!request.fromOperator() || !request.isResourceRequest()) {
            return null;
        }
        for (Permission needed : required(request)) {
            used.add(needed);
            if (!granted(needed)) {
                String refusal =
                        request.method()
                                + " "
                                + request.path()
                                + ": cannot "
                                + needed
                                + " (not granted by the chart's rules)";
                refusals.add(refusal);
                return forbidden(request, needed);
            }
        }
        return null;
    }

    /** Every permission the operator's requests needed so far. */
    public Set<Permission> used() {
        return Set.copyOf(used);
    }

    /** The requests refused so far, each with the permission it lacked. */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** Forgets the refusals a test expected and checked. */
    public void acknowledge() {
        refusals.clear();
    }

    List<Permission> required(ApiRequest request) {
        String resource =
                request.resource()
                        + (request.subresource() == null ? "" : "/" + request.subresource());
        List<Permission> needed = new ArrayList<>();
        needed.add(new Permission(request.verb(), request.group(), resource));
        if (request.subresource() != null
                || !Set.of("create", "update", "patch").contains(request.verb())) {
            return needed;
        }
        JsonNode body = json(request.body());
        if (body == null) {
            return needed;
        }
        List<JsonNode> before = List.of();
        List<JsonNode> after = owners(body.path("metadata").path("ownerReferences"));
        boolean touchesOwners = body.path("metadata").has("ownerReferences");
        if (!request.verb().equals("create")) {
            JsonNode current = stored.apply(request);
            before =
                    current == null
                            ? List.of()
                            : owners(current.path("metadata").path("ownerReferences"));
            if (touchesOwners && !sameOwners(before, after)) {
                needed.add(new Permission("delete", request.group(), request.resource()));
            }
        }
        for (JsonNode owner : after) {
            if (owner.path("blockOwnerDeletion").asBoolean(false)
                    && !blocks(before, owner.path("uid").asText())) {
                String apiVersion = owner.path("apiVersion").asText();
                String group = apiVersion.contains("/") ? apiVersion.split("/")[0] : "";
                String plural = owner.path("kind").asText().toLowerCase(Locale.ROOT) + "s";
                needed.add(new Permission("update", group, plural + "/finalizers"));
            }
        }
        return needed;
    }

    private boolean granted(Permission permission) {
        return rules.stream()
                .anyMatch(
                        rule ->
                                matches(rule.getApiGroups(), permission.group())
                                        && matches(rule.getResources(), permission.resource())
                                        && matches(rule.getVerbs(), permission.verb()));
    }

    private static boolean matches(Collection<String> granted, String wanted) {
        return granted != null && (granted.contains(wanted) || granted.contains("*"));
    }

    private static List<JsonNode> owners(JsonNode references) {
        List<JsonNode> owners = new ArrayList<>();
        references.forEach(owners::add);
        return owners;
    }

    private static boolean sameOwners(List<JsonNode> before, List<JsonNode> after) {
        return key(before).equals(key(after));
    }

    private static Set<String> key(List<JsonNode> owners) {
        Set<String> keys = new java.util.HashSet<>();
        for (JsonNode owner : owners) {
            keys.add(
                    owner.path("uid").asText()
                            + "|"
                            + owner.path("controller").asBoolean(false)
                            + "|"
                            + owner.path("blockOwnerDeletion").asBoolean(false));
        }
        return keys;
    }

    private static boolean blocks(List<JsonNode> owners, String uid) {
        return owners.stream()
                .anyMatch(
                        o ->
                                Objects.equals(o.path("uid").asText(), uid)
                                        && o.path("blockOwnerDeletion").asBoolean(false));
    }

    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = Serialization.jsonMapper().readTree(body);
            return node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static MockResponse forbidden(ApiRequest request, Permission needed) {
        String message =
                request.resourceKey()
                        + (request.name() == null ? "" : " \"" + request.name() + "\"")
                        + " is forbidden: User \"system:serviceaccount:pillsnap-system:"
                        + "pillsnap-operator\" cannot "
                        + needed.verb()
                        + " resource \""
                        + needed.resource()
                        + "\" in API group \""
                        + needed.group()
                        + "\""
                        + (request.namespace() == null
                                ? ""
                                : " in the namespace \"" + request.namespace() + "\"");
        return new MockResponse()
                .setResponseCode(403)
                .setBody(
                        Serialization.asJson(
                                Map.of(
                                        "kind", "Status",
                                        "apiVersion", "v1",
                                        "status", "Failure",
                                        "reason", "Forbidden",
                                        "code", 403,
                                        "message", message)));
    }
}
