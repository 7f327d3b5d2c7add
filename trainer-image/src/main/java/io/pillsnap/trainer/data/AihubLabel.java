package io.pillsnap.trainer.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * One label file of AIHub dataset 576 (COCO style). A single-pill photo has one file with one
 * {@code images} entry and its pill's annotation; a combination photo has one file per drug, each
 * with that drug in {@code images[0]} and the boxes of its pills. {@code categories} does not name
 * the drug: AIHub writes one generic entry ({@code "name": "Drug"}), and derived sets the product
 * name with the K-code's number as id, so a box's drug is its file's drug ({@link BoxDrugs}).
 * Unknown fields are ignored: the real files carry about 47 of them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AihubLabel(
        List<ImageInfo> images, List<Annotation> annotations, List<Category> categories) {

    public AihubLabel {
        images = images == null ? List.of() : List.copyOf(images);
        annotations = annotations == null ? List.of() : List.copyOf(annotations);
        categories = categories == null ? List.of() : List.copyOf(categories);
    }

    /** Drug and picture facts; {@code di_edi_code} may hold several comma-separated codes. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RecordBuilder
    public record ImageInfo(
            @JsonProperty("file_name") String fileName,
            Integer width,
            Integer height,
            @JsonProperty("di_edi_code") String ediCode,
            @JsonProperty("dl_mapping_code") String kCode,
            @JsonProperty("dl_name") String drugName,
            @JsonProperty("dl_company") String company,
            @JsonProperty("drug_shape") String shape,
            @JsonProperty("color_class1") String color1,
            @JsonProperty("color_class2") String color2,
            @JsonProperty("print_front") String printFront,
            @JsonProperty("print_back") String printBack,
            @JsonProperty("drug_N") String drugNumber,
            @JsonProperty("dl_idx") String drugIndex) {}

    /** A pill's box in pixels, COCO order: x, y, width, height. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Annotation(
            List<Double> bbox,
            @JsonProperty("category_id") Integer categoryId,
            @JsonProperty("image_id") Integer imageId,
            Integer id) {}

    /** A COCO category: AIHub's generic "Drug", or a product name; never trusted as the drug. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Category(String supercategory, Integer id, String name) {}
}
