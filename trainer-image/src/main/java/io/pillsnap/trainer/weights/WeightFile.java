package io.pillsnap.trainer.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads pretrained weights into named float tensors, from the two formats people have: safetensors
 * and the zip checkpoints of {@code torch.save(model.state_dict(), path)}; {@link #readModel} also
 * reads a pickled model as data (Ultralytics' published checkpoints). The reader is chosen by the
 * file's first bytes, not its name.
 */
public final class WeightFile {

    private static final Logger log = LoggerFactory.getLogger(WeightFile.class);
    private static final byte[] ZIP = {'P', 'K'};
    // what torch.save wrote first before PyTorch 1.6: a pickled magic number
    private static final byte[] LEGACY_TORCH = {
        (byte) 0x80,
        0x02,
        (byte) 0x8a,
        0x0a,
        0x6c,
        (byte) 0xfc,
        (byte) 0x9c,
        0x46,
        (byte) 0xf9,
        0x20,
        0x6a,
        (byte) 0xa8,
        0x50,
        0x19
    };
    private static final int PICKLE_PROTOCOL = 0x80;

    private enum Format {
        SAFETENSORS,
        TORCH_ZIP
    }

    private WeightFile() {}

    /**
     * Every tensor of {@code file}, by name, in the order the file lists them.
     *
     * @throws WeightFileException naming the cause and the fix when the file is missing, damaged,
     *     in another format, or holds anything but a state dict of tensors
     */
    public static Map<String, WeightTensor> read(Path file) {
        return read(file, false);
    }

    /**
     * As {@link #read}, and also a pickled torch.nn.Module read as data, never run: the file's
     * whole object, or the {@code "ema"} or else the {@code "model"} entry of a checkpoint dict, as
     * Ultralytics publishes {@code yolo11n.pt} ... {@code yolo11x.pt}. Its tensors are named as
     * {@code model.state_dict()} names them.
     */
    public static Map<String, WeightTensor> readModel(Path file) {
        return read(file, true);
    }

    private static Map<String, WeightTensor> read(Path file, boolean models) {
        long started = System.nanoTime();
        Map<String, WeightTensor> tensors =
                switch (formatOf(file)) {
                    case SAFETENSORS -> SafetensorsReader.read(file);
                    case TORCH_ZIP ->
                            models
                                    ? TorchCheckpointReader.readModel(file)
                                    : TorchCheckpointReader.read(file);
                };
        long parameters = tensors.values().stream().mapToLong(WeightTensor::size).sum();
        log.info(
                "read {} tensors ({} M parameters) from {} in {} s",
                tensors.size(),
                String.format("%.2f", parameters / 1e6),
                file,
                String.format("%.1f", (System.nanoTime() - started) / 1e9));
        return tensors;
    }

    /** A safetensors file's {@code __metadata__}; empty for a PyTorch checkpoint. */
    public static Map<String, String> metadata(Path file) {
        return formatOf(file) == Format.SAFETENSORS ? SafetensorsReader.metadata(file) : Map.of();
    }

    private static Format formatOf(Path file) {
        byte[] head = head(file);
        if (startsWith(head, ZIP)) {
            return Format.TORCH_ZIP;
        }
        if (startsWith(head, LEGACY_TORCH)) {
            throw new WeightFileException(
                    file
                            + " was written by torch.save with"
                            + " _use_new_zipfile_serialization=False (PyTorch < 1.6 format), which"
                            + " the trainer does not read; re-save it with torch.save(state_dict,"
                            + " path) from PyTorch >= 1.6");
        }
        if (head.length > 0 && (head[0] & 0xff) == PICKLE_PROTOCOL) {
            throw new WeightFileException(
                    file
                            + " is a bare pickle (pickle.dump, or torch.save with"
                            + " _use_new_zipfile_serialization=False), not a PyTorch >= 1.6 zip"
                            + " checkpoint; re-save the state dict with torch.save(state_dict,"
                            + " path) from PyTorch >= 1.6");
        }
        if (head.length > 8 && head[8] == '{') {
            return Format.SAFETENSORS;
        }
        throw new WeightFileException(
                file
                        + " is neither a safetensors file nor a PyTorch checkpoint (it starts with"
                        + " bytes ["
                        + HexFormat.ofDelimiter(" ").formatHex(head)
                        + "], where a torch.save zip starts with 'PK' and safetensors with an"
                        + " 8-byte length then '{'); export the weights with"
                        + " torch.save(model.state_dict(), path) or"
                        + " safetensors.torch.save_file(model.state_dict(), path)");
    }

    private static byte[] head(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeightFileException(
                    file
                            + " does not exist or is not a file; pass the path of a .safetensors"
                            + " or .pth weight file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(LEGACY_TORCH.length);
        } catch (IOException e) {
            throw new WeightFileException("cannot read " + file + ": " + e, e);
        }
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        return head.length >= prefix.length
                && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
    }
}
