package io.pillsnap.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Applies a structural schema's {@code default}s as the API server does on create, update and read
 * from etcd: a missing (or null, unless nullable) property gets a copy of its default, then the
 * object's properties, map values and list items are defaulted in turn.
 */
public final class SchemaDefaulter {

    private SchemaDefaulter() {}

    /** A defaulted copy of {@code value}; {@code value} itself is left as it is. */
    public static JsonNode withDefaults(JsonNode schema, JsonNode value) {
        JsonNode copy = value.deepCopy();
        applyDefaults(schema, copy);
        return copy;
    }

    /** JSON equality that compares numbers by value, so that 1, 1.0 and 1L are the same. */
    public static boolean sameJson(JsonNode a, JsonNode b) {
        return a.equals(
                (x, y) ->
                        x.isNumber() && y.isNumber()
                                ? x.decimalValue().compareTo(y.decimalValue())
                                : (x.equals(y) ? 0 : 1),
                b);
    }

    private static void applyDefaults(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                String name = property.getKey();
                JsonNode propertySchema = property.getValue();
                if (object.path(name).isNull() && !propertySchema.path("nullable").asBoolean()) {
                    object.remove(name);
                }
                if (!object.has(name) && propertySchema.has("default")) {
                    object.set(name, propertySchema.get("default").deepCopy());
                }
                if (object.has(name)) {
                    applyDefaults(propertySchema, object.get(name));
                }
            }
            JsonNode valueSchema = schema.path("additionalProperties");
            if (valueSchema.isObject()) {
                object.forEach(entry -> applyDefaults(valueSchema, entry));
            }
        } else if (value instanceof ArrayNode list && schema.path("items").isObject()) {
            list.forEach(item -> applyDefaults(schema.get("items"), item));
        }
    }
}
