package io.pillsnap.operator.testing;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A request to the API server as RBAC sees it: who sends it, the verb and the resource (group,
 * resource, subresource, namespace, name). Discovery and other paths outside the resource API have
 * no resource.
 *
 * @param identity the bearer token the client sent
 * @param verb get, list, watch, create, update, patch, delete or deletecollection; null outside the
 *     resource API
 * @param group the API group, "" for the core group
 * @param resource the plural resource name, e.g. jobs
 * @param subresource e.g. status; null when none
 * @param body the request's body, "" when none
 */
public record ApiRequest(
        String method,
        String path,
        String identity,
        String verb,
        String group,
        String resource,
        String subresource,
        String namespace,
        String name,
        String body) {

    static ApiRequest of(RecordedRequest request) {
        String authorization = request.getHeader("Authorization");
        String identity =
                authorization != null && authorization.startsWith("Bearer ")
                        ? authorization.substring("Bearer ".length())
                        : null;
        String body =
                request.getBody() == null
                        ? ""
                        : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
        String method = request.getMethod();
        String path = request.getPath();
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        String parameters = query < 0 ? "" : path.substring(query + 1);
        List<String> segments =
                Arrays.stream(bare.split("/")).filter(part -> !part.isEmpty()).toList();
        String group;
        List<String> rest;
        if (segments.size() >= 2 && segments.get(0).equals("api")) {
            group = "";
            rest = segments.subList(2, segments.size());
        } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
            group = segments.get(1);
            rest = segments.subList(3, segments.size());
        } else {
            return new ApiRequest(method, path, identity, null, null, null, null, null, null, body);
        }
        String namespace = null;
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        if (rest.isEmpty()) {
            return new ApiRequest(method, path, identity, null, null, null, null, null, null, body);
        }
        String resource = rest.get(0);
        String name = rest.size() > 1 ? rest.get(1) : null;
        String subresource = rest.size() > 2 ? rest.get(2) : null;
        boolean watch =
                Arrays.asList(parameters.split("&")).contains("watch=true")
                        || Arrays.asList(parameters.split("&")).contains("watch=1");
        String verb =
                switch (method) {
                    case "GET" -> name != null ? "get" : watch ? "watch" : "list";
                    case "POST" -> "create";
                    case "PUT" -> "update";
                    case "PATCH" -> "patch";
                    case "DELETE" -> name != null ? "delete" : "deletecollection";
                    default -> method.toLowerCase(java.util.Locale.ROOT);
                };
        return new ApiRequest(
                method, path, identity, verb, group, resource, subresource, namespace, name, body);
    }

    /** The path of the object the request is about: without query and subresource. */
    public String objectPath() {
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        return subresource == null
                ? bare
                : bare.substring(0, bare.length() - subresource.length() - 1);
    }

    /** Whether the request is for a resource (and not discovery, /version and the like). */
    public boolean isResourceRequest() {
        return verb != null;
    }

    /** resource[/subresource][.group], as RBAC rules and our tables name it. */
    public String resourceKey() {
        return resource
                + (subresource == null ? "" : "/" + subresource)
                + (group.isEmpty() ? "" : "." + group);
    }

    /** Whether a running operator instance sent it. */
    public boolean fromOperator() {
        return identity != null && identity.startsWith(MockCluster.OPERATOR_IDENTITY);
    }
}
