package io.pillsnap.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a CRD's {@code x-kubernetes-validations} CEL rules with Google's CEL engine, as the API
 * server does on create and update: on the objects with the schema's defaults applied, each rule on
 * the value at its schema node, and transition rules (those using {@code oldSelf}) only on update
 * when the old value exists.
 */
public final class CelRuleEvaluator {

    private static final CelOptions OPTIONS =
            CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

    private final JsonNode openApiSchema;
    private final CelCompiler compiler =
            CelCompilerFactory.standardCelCompilerBuilder()
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                    .addVar("self", SimpleType.DYN)
                    .addVar("oldSelf", SimpleType.DYN)
                    .setOptions(OPTIONS)
                    .build();
    private final CelRuntime runtime =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    public CelRuleEvaluator(JsonNode openApiSchema) {
        this.openApiSchema = openApiSchema;
    }

    /** Every rule compiles; returns how many rules the schema has. */
    public int compileAll() {
        List<String> rules = new ArrayList<>();
        collectRules(openApiSchema, rules);
        for (String rule : rules) {
            compile(rule);
        }
        return rules.size();
    }

    public List<String> onCreate(JsonNode object) {
        List<String> errors = new ArrayList<>();
        check(openApiSchema, defaulted(object), null, "", errors);
        return errors;
    }

    public List<String> onUpdate(JsonNode oldObject, JsonNode newObject) {
        List<String> errors = new ArrayList<>();
        check(openApiSchema, defaulted(newObject), defaulted(oldObject), "", errors);
        return errors;
    }

    private JsonNode defaulted(JsonNode object) {
        return SchemaDefaulter.withDefaults(openApiSchema, object);
    }

    private void check(
            JsonNode schema, JsonNode value, JsonNode oldValue, String path, List<String> errors) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return;
        }
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expression = rule.get("rule").asText();
            boolean transition = expression.contains("oldSelf");
            if (transition && (oldValue == null || oldValue.isMissingNode())) {
                continue;
            }
            if (!evaluate(expression, value, oldValue)) {
                String field = path + rule.path("fieldPath").asText("");
                errors.add(
                        (field.isEmpty() ? "<root>" : field)
                                + ": "
                                + rule.path("message").asText());
            }
        }
        JsonNode properties = schema.path("properties");
        for (Iterator<String> names = properties.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            check(
                    properties.get(name),
                    value.path(name),
                    oldValue == null ? null : oldValue.path(name),
                    path + "." + name,
                    errors);
        }
        JsonNode items = schema.path("items");
        if (!items.isMissingNode() && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                // list items are not correlated for transition rules without list-type map
                check(items, value.get(i), null, path + "[" + i + "]", errors);
            }
        }
    }

    private boolean evaluate(String expression, JsonNode self, JsonNode oldSelf) {
        try {
            Map<String, Object> variables = new HashMap<>();
            variables.put("self", toCel(self));
            if (oldSelf != null && !oldSelf.isMissingNode()) {
                variables.put("oldSelf", toCel(oldSelf));
            }
            Object result = runtime.createProgram(compile(expression)).eval(variables);
            return Boolean.TRUE.equals(result);
        } catch (Exception e) {
            throw new IllegalStateException("CEL rule failed to run: " + expression, e);
        }
    }

    private CelAbstractSyntaxTree compile(String expression) {
        try {
            return compiler.compile(expression).getAst();
        } catch (Exception e) {
            throw new IllegalStateException("CEL rule does not compile: " + expression, e);
        }
    }

    /** CEL wants Long for integers and Double for numbers; Jackson would give Integer. */
    private static Object toCel(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), toCel(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(toCel(item)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    private static void collectRules(JsonNode schema, List<String> rules) {
        schema.path("x-kubernetes-validations").forEach(r -> rules.add(r.get("rule").asText()));
        schema.path("properties").forEach(child -> collectRules(child, rules));
        if (schema.has("items")) {
            collectRules(schema.get("items"), rules);
        }
    }
}
