package io.pillsnap.trainer.data;

import java.util.List;

/** What a scan of the dataset found: single-pill pictures, combination pictures, skipped files. */
public record ScanResult(
        List<LabelledImage> singles, List<LabelledImage> combinations, SkipReport skipped) {}
