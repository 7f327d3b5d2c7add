package io.pillsnap.trainer.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes photos and label files as AIHub dataset 576 publishes them, from the published
 * descriptions of its files (keys, one file per drug for a combination photo in {@code
 * <codes>_json/<K-code>/}, one category per file) and of the sets derived from it; independent of
 * the project's generator and reader, so that tests of the reader meet the world's files.
 */
public final class AihubFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a file's one category reads. */
    public enum CategoryForm {
        /** AIHub's own: {"supercategory": "pill", "id": 1, "name": "Drug"}. */
        GENERIC,
        /** Derived sets: the product name, with the K-code's number as id. */
        PRODUCT_NAME
    }

    /** A drug of the fixture. */
    public record Drug(String kCode, String ediCode, String productName) {
        int number() {
            return Integer.parseInt(kCode.substring(2));
        }
    }

    /** A pill in a photo: its drug and box [x, y, w, h] in pixels. */
    public record Pill(Drug drug, int x, int y, int width, int height) {}

    private final Path root;
    private final String split;

    /**
     * @param split "train" or "val"
     */
    public AihubFiles(Path root, String split) {
        this.root = root;
        this.split = split;
    }

    private String prefix(boolean labels) {
        return ("train".equals(split) ? "T" : "V") + (labels ? "L" : "S");
    }

    /** A single-pill photo and its label; returns the photo's path. */
    public Path single(Drug drug, String stem, CategoryForm form) {
        Path photo =
                root.resolve(split)
                        .resolve("images/single/" + prefix(false) + "_1_single")
                        .resolve(drug.kCode())
                        .resolve(stem + ".png");
        writePng(photo, 976 / 8, 1280 / 8);
        Path label =
                root.resolve(split)
                        .resolve("labels/single/" + prefix(true) + "_1_single")
                        .resolve(drug.kCode() + "_json")
                        .resolve(stem + ".json");
        write(label, label(drug, stem, List.of(new Pill(drug, 30, 40, 50, 60)), form));
        return photo;
    }

    /** A combination photo with one label file per drug, as AIHub publishes them. */
    public Path combination(String stem, List<Pill> pills, CategoryForm form) {
        String folder = folder(pills);
        Path photo =
                root.resolve(split)
                        .resolve("images/combination/" + prefix(false) + "_1_combo")
                        .resolve(folder)
                        .resolve(stem + ".png");
        writePng(photo, 976 / 8, 1280 / 8);
        Map<Drug, List<Pill>> byDrug = new LinkedHashMap<>();
        pills.forEach(p -> byDrug.computeIfAbsent(p.drug(), d -> new ArrayList<>()).add(p));
        byDrug.forEach(
                (drug, own) ->
                        write(
                                labels(folder).resolve(drug.kCode()).resolve(stem + ".json"),
                                label(drug, stem, own, form)));
        return photo;
    }

    /**
     * A combination photo labelled by one file of all its boxes: one images entry per drug, one
     * category per drug in {@code form}.
     */
    public Path combinationInOneFile(String stem, List<Pill> pills, CategoryForm form) {
        String folder = folder(pills);
        Path photo =
                root.resolve(split)
                        .resolve("images/combination/" + prefix(false) + "_1_combo")
                        .resolve(folder)
                        .resolve(stem + ".png");
        writePng(photo, 976 / 8, 1280 / 8);
        List<Drug> drugs = pills.stream().map(Pill::drug).distinct().toList();
        List<Object> images = new ArrayList<>();
        List<Object> categories = new ArrayList<>();
        for (Drug drug : drugs) {
            images.add(image(drug, stem, images.size() + 1));
            categories.add(category(drug, form));
        }
        List<Object> annotations = new ArrayList<>();
        for (Pill pill : pills) {
            annotations.add(annotation(pill, form, annotations.size() + 1));
        }
        write(
                labels(folder).resolve(stem + ".json"),
                Map.of("images", images, "annotations", annotations, "categories", categories));
        return photo;
    }

    /** A photo with no label file at all. */
    public Path unlabelledSingle(Drug drug, String stem) {
        Path photo =
                root.resolve(split)
                        .resolve("images/single/" + prefix(false) + "_1_single")
                        .resolve(drug.kCode())
                        .resolve(stem + ".png");
        writePng(photo, 976 / 8, 1280 / 8);
        return photo;
    }

    private Path labels(String folder) {
        return root.resolve(split)
                .resolve("labels/combination/" + prefix(true) + "_1_combo")
                .resolve(folder + "_json");
    }

    private static String folder(List<Pill> pills) {
        StringBuilder folder = new StringBuilder("K");
        pills.stream()
                .map(p -> p.drug().kCode().substring(2))
                .distinct()
                .sorted()
                .forEach(code -> folder.append('-').append(code));
        return folder.toString();
    }

    private static Map<String, Object> label(
            Drug drug, String stem, List<Pill> pills, CategoryForm form) {
        List<Object> annotations = new ArrayList<>();
        for (Pill pill : pills) {
            annotations.add(annotation(pill, form, annotations.size() + 1));
        }
        Map<String, Object> label = new LinkedHashMap<>();
        label.put("images", List.of(image(drug, stem, 1)));
        label.put("type", "instance");
        label.put("annotations", annotations);
        label.put("categories", List.of(category(drug, form)));
        return label;
    }

    /** The published images[] keys (a subset of the 47; the rest are more drug facts). */
    private static Map<String, Object> image(Drug drug, String stem, int id) {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("file_name", stem + ".png");
        image.put("width", 976);
        image.put("height", 1280);
        image.put("imgfile", stem + ".png");
        image.put("drug_N", drug.kCode());
        image.put("drug_S", "정상알약");
        image.put("back_color", "연회색 배경");
        image.put("drug_dir", "앞면");
        image.put("light_color", "주백색");
        image.put("camera_la", 70);
        image.put("camera_lo", 0);
        image.put("size", 200);
        image.put("dl_idx", String.valueOf(drug.number()));
        image.put("dl_mapping_code", drug.kCode());
        image.put("dl_name", drug.productName());
        image.put("dl_name_en", "Product " + drug.number());
        image.put("dl_company", "제약");
        image.put("di_edi_code", drug.ediCode());
        image.put("drug_shape", "원형");
        image.put("color_class1", "하양");
        image.put("color_class2", "");
        image.put("print_front", "AB");
        image.put("print_back", "");
        image.put("id", id);
        return image;
    }

    private static Map<String, Object> category(Drug drug, CategoryForm form) {
        Map<String, Object> category = new LinkedHashMap<>();
        category.put("supercategory", "pill");
        category.put("id", form == CategoryForm.GENERIC ? 1 : drug.number());
        category.put("name", form == CategoryForm.GENERIC ? "Drug" : drug.productName());
        return category;
    }

    private static Map<String, Object> annotation(Pill pill, CategoryForm form, int id) {
        Map<String, Object> annotation = new LinkedHashMap<>();
        annotation.put("area", pill.width() * pill.height());
        annotation.put("iscrowd", 0);
        annotation.put("bbox", List.of(pill.x(), pill.y(), pill.width(), pill.height()));
        annotation.put("category_id", form == CategoryForm.GENERIC ? 1 : pill.drug().number());
        annotation.put("ignore", 0);
        annotation.put("segmentation", List.of());
        annotation.put("id", id);
        annotation.put("image_id", 1);
        return annotation;
    }

    private static void write(Path file, Object json) {
        try {
            Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writePng(Path file, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 7 + y * 3) & 0xFF);
            }
        }
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
