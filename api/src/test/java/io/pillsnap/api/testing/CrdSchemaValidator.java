package io.pillsnap.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Validates objects against a CRD's openAPIV3Schema with a real JSON-schema validator, the way the
 * API server does with kubectl's default strict field validation: unknown fields are refused. CEL
 * rules are checked by {@link CelRuleEvaluator}.
 */
public final class CrdSchemaValidator {

    private static final List<String> KUBERNETES_KEYWORDS =
            List.of(
                    "x-kubernetes-validations",
                    "x-kubernetes-preserve-unknown-fields",
                    "x-kubernetes-int-or-string",
                    "x-kubernetes-embedded-resource",
                    "x-kubernetes-list-type",
                    "x-kubernetes-list-map-keys",
                    "x-kubernetes-map-type");

    private final JsonNode openApiSchema;
    private final JsonSchema schema;

    public CrdSchemaValidator(JsonNode crd) {
        this.openApiSchema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        if (openApiSchema.isMissingNode()) {
            throw new IllegalArgumentException("CRD has no openAPIV3Schema in its first version");
        }
        ObjectNode strict = openApiSchema.deepCopy();
        ObjectNode rootProperties = (ObjectNode) strict.get("properties");
        ObjectNode anything = JsonNodeFactory.instance.objectNode();
        rootProperties.set("apiVersion", anything);
        rootProperties.set("kind", anything);
        rootProperties.set("metadata", anything);
        refuseUnknownFields(strict);

        JsonMetaSchema draft4 = JsonMetaSchema.getV4();
        JsonMetaSchema.Builder meta = JsonMetaSchema.builder(draft4.getIri(), draft4);
        KUBERNETES_KEYWORDS.forEach(k -> meta.keyword(new NonValidationKeyword(k)));
        JsonSchemaFactory factory =
                JsonSchemaFactory.getInstance(
                        SpecVersion.VersionFlag.V4, b -> b.metaSchema(meta.build()));
        this.schema = factory.getSchema(strict);
    }

    public JsonNode openApiSchema() {
        return openApiSchema;
    }

    /** Error messages, each naming the offending field by its JSON path; empty when valid. */
    public List<String> validate(JsonNode object) {
        return schema.validate(object).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }

    private static void refuseUnknownFields(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        boolean closedObject =
                object.has("properties")
                        && !object.has("additionalProperties")
                        && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (closedObject) {
            object.set("additionalProperties", BooleanNode.FALSE);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> child = it.next();
            if (child.getValue().isArray()) {
                child.getValue().forEach(CrdSchemaValidator::refuseUnknownFields);
            } else {
                refuseUnknownFields(child.getValue());
            }
        }
    }
}
