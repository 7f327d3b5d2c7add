package io.pillsnap.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of names and labels that a real API server makes and Fabric8's mock does not: a label
 * value is at most 63 characters, alphanumeric at both ends; a Job's and a Service's name is a DNS
 * label (the Job's becomes its pods' job-name label). An object that breaks them is refused with
 * 422, as the API server would.
 */
public final class ObjectValidation implements ApiServer.Guard {

    private static final Pattern LABEL_VALUE =
            Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Set<String> NAMED_AS_LABELS = Set.of("jobs", "services");

    @Override
    public MockResponse before(ApiRequest request) {
        if (!request.isResourceRequest()
                || request.subresource() != null
                || !Set.of("create", "update", "patch").contains(request.verb())
                || request.body().isBlank()) {
            return null;
        }
        JsonNode object;
        try {
            object = Serialization.jsonMapper().readTree(request.body());
        } catch (Exception e) {
            return null;
        }
        if (!object.isObject()) {
            return null;
        }
        List<String> problems = new ArrayList<>();
        String name = object.path("metadata").path("name").asText(request.name());
        if (NAMED_AS_LABELS.contains(request.resource())
                && name != null
                && !name.isEmpty()
                && (name.length() > 63 || !DNS_LABEL.matcher(name).matches())) {
            problems.add(
                    "metadata.name: Invalid value: \""
                            + name
                            + "\": must be no more than 63 characters and a DNS label");
        }
        labels(object.path("metadata").path("labels"), "metadata.labels", problems);
        labels(
                object.path("spec").path("template").path("metadata").path("labels"),
                "spec.template.metadata.labels",
                problems);
        labels(
                object.path("spec").path("selector").path("matchLabels"),
                "spec.selector.matchLabels",
                problems);
        labels(object.path("spec").path("selector"), "spec.selector", problems);
        if (problems.isEmpty()) {
            return null;
        }
        String kind = object.path("kind").asText("Object");
        return new MockResponse()
                .setResponseCode(422)
                .setBody(
                        Serialization.asJson(
                                Map.of(
                                        "kind", "Status",
                                        "apiVersion", "v1",
                                        "status", "Failure",
                                        "reason", "Invalid",
                                        "code", 422,
                                        "message",
                                                kind
                                                        + " \""
                                                        + name
                                                        + "\" is invalid: "
                                                        + String.join(", ", problems),
                                        "details", Map.of("kind", kind, "name", name))));
    }

    private static void labels(JsonNode labels, String field, List<String> problems) {
        if (!labels.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> label = it.next();
            if (!label.getValue().isTextual()) {
                continue;
            }
            String value = label.getValue().asText();
            if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
                problems.add(
                        field
                                + ": Invalid value: \""
                                + value
                                + "\": a valid label must be 63 characters or less and begin"
                                + " and end with an alphanumeric character");
            }
        }
    }
}
