package io.pillsnap.trainer.weights;

import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.classifier.net.StageDef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * torchvision's EfficientNetV2 state-dict names in timm's (ours): {@code features.0} is the stem,
 * {@code features.<s+1>.<i>.block.<u>} unit u of block i of table row s, the last {@code features}
 * entry the head, {@code classifier.1} the linear layer. A name that matches none of these is kept,
 * so that the importer can report it.
 */
final class TorchvisionNames {

    private static final Pattern EDGE = Pattern.compile("features\\.(\\d+)\\.([01])\\.(\\w+)");
    private static final Pattern UNIT =
            Pattern.compile("features\\.(\\d+)\\.(\\d+)\\.block\\.(\\d+)\\.(0|1|fc1|fc2)\\.(\\w+)");

    private TorchvisionNames() {}

    /** Whether a state dict uses torchvision's names. */
    static boolean matches(Map<String, ?> tensors) {
        return tensors.keySet().stream().anyMatch(name -> name.startsWith("features."));
    }

    static <T> Map<String, T> toTimm(Map<String, T> tensors, EfficientNetV2Config config) {
        Map<String, T> renamed = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> renamed.put(rename(name, config.stages()), tensor));
        return renamed;
    }

    static String rename(String name, List<StageDef> stages) {
        if (name.startsWith("classifier.1.")) {
            return "classifier." + name.substring("classifier.1.".length());
        }
        Matcher edge = EDGE.matcher(name);
        if (edge.matches()) {
            int feature = Integer.parseInt(edge.group(1));
            boolean conv = edge.group(2).equals("0");
            if (feature == 0) {
                return (conv ? "conv_stem." : "bn1.") + edge.group(3);
            }
            if (feature == stages.size() + 1) {
                return (conv ? "conv_head." : "bn2.") + edge.group(3);
            }
            return name;
        }
        Matcher unit = UNIT.matcher(name);
        if (!unit.matches()) {
            return name;
        }
        int row = Integer.parseInt(unit.group(1)) - 1;
        if (row < 0 || row >= stages.size()) {
            return name;
        }
        String[] units = unitNames(stages.get(row));
        int index = Integer.parseInt(unit.group(3));
        if (index >= units.length) {
            return name;
        }
        String prefix = "blocks." + row + "." + unit.group(2) + ".";
        String part = unit.group(4);
        String leaf = unit.group(5);
        if (units[index] == null) {
            return switch (part) {
                case "fc1" -> prefix + "se.conv_reduce." + leaf;
                case "fc2" -> prefix + "se.conv_expand." + leaf;
                default -> name;
            };
        }
        String[] convAndNorm = units[index].split(",");
        return switch (part) {
            case "0" -> prefix + convAndNorm[0] + "." + leaf;
            case "1" -> prefix + convAndNorm[1] + "." + leaf;
            default -> name;
        };
    }

    /** The units of a block in torchvision's order, "conv,bn"; null for squeeze-excite. */
    private static String[] unitNames(StageDef row) {
        return switch (row.type()) {
            case CONV -> new String[] {"conv,bn1"};
            case FUSED_MBCONV -> new String[] {"conv_exp,bn1", "conv_pwl,bn2"};
            case MBCONV -> new String[] {"conv_pw,bn1", "conv_dw,bn2", null, "conv_pwl,bn3"};
        };
    }
}
