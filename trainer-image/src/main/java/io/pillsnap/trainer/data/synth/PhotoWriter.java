package io.pillsnap.trainer.data.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pillsnap.trainer.data.AihubLabel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Renders one planned photo and writes its PNG and label. Safe to call from several threads: all
 * state of a photo comes from its own random stream.
 */
final class PhotoWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Deflate level 1 (the PNG writer maps quality q to level 9 - 9q): sensor noise leaves little
     * to compress, so higher levels cost a third more time for the same size.
     */
    private static final float FASTEST_DEFLATE = 8f / 9;

    private final Path root;
    private final SynthOptions options;

    PhotoWriter(Path root, SynthOptions options) {
        this.root = root;
        this.options = options;
    }

    /** Returns the bytes written. */
    long write(PlannedPhoto photo) throws IOException {
        int width = options.width();
        int height = options.height();
        SplittableRandom random = Seeds.random(options.seed(), photo.stream(), photo.index());
        PhotoScene scene =
                photo.isCombination()
                        ? PhotoScene.combination(
                                photo.drugs(), width, height, options.difficulty(), random)
                        : PhotoScene.single(
                                photo.drugs().get(0), width, height, options.difficulty(), random);
        String stem = photo.stem(scene, Math.min(width, height));
        BufferedImage image =
                PhotoRenderer.render(
                        scene, width, height, options.difficulty().noiseSigma(), random);
        byte[] png = encodePng(image);
        // image first: loaders start from labels, so a crash in between leaves no dangling label
        writeAtomically(photo.imageFolder(root).resolve(stem + ".png"), png);
        long written = png.length;
        if (photo.isCombination()) {
            for (Map.Entry<String, AihubLabel> drug :
                    LabelFactory.perDrug(scene, stem + ".png", width, height).entrySet()) {
                byte[] json = MAPPER.writeValueAsBytes(drug.getValue());
                writeAtomically(
                        photo.labelFolder(root).resolve(drug.getKey()).resolve(stem + ".json"),
                        json);
                written += json.length;
            }
        } else {
            byte[] json =
                    MAPPER.writeValueAsBytes(
                            LabelFactory.label(scene, stem + ".png", width, height));
            writeAtomically(photo.labelFolder(root).resolve(stem + ".json"), json);
            written += json.length;
        }
        return written;
    }

    private static byte[] encodePng(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(FASTEST_DEFLATE);
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(image.getWidth() * image.getHeight() * 3);
        // in memory: ImageIO's default disk cache would cost a temporary file per image
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A crash leaves either the whole file or none: write beside it, then rename. */
    private static void writeAtomically(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(temporary, content);
        Files.move(
                temporary,
                file,
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
