package io.pillsnap.trainer.weights;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length, a JSON header of name -> {dtype, shape, data_offsets}, then the raw tensors. The
 * whole header is checked before any tensor is decoded; tensors are mapped from the file one at a
 * time, so a large file is never copied into the heap as a whole.
 */
final class SafetensorsReader {

    static final String METADATA = "__metadata__";
    // the format's own limit; a larger length is a damaged or foreign file, not a big header
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .build();

    private SafetensorsReader() {}

    /** One header entry; offsets are relative to the first byte after the header. */
    record Entry(String dtype, long[] shape, @JsonProperty("data_offsets") long[] dataOffsets) {}

    private record Located(String name, Dtype dtype, long[] shape, long begin, long end) {}

    static Map<String, WeightTensor> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long headerLength = headerLength(file, channel);
            JsonNode header = parseHeader(file, readFully(channel, 8, (int) headerLength));
            long dataStart = 8 + headerLength;
            List<Located> tensors = locate(file, header, channel.size() - dataStart);
            Map<String, WeightTensor> read = new LinkedHashMap<>();
            for (Located tensor : tensors) {
                ByteBuffer bytes =
                        channel.map(
                                        FileChannel.MapMode.READ_ONLY,
                                        dataStart + tensor.begin(),
                                        tensor.end() - tensor.begin())
                                .order(ByteOrder.LITTLE_ENDIAN);
                float[] values = new float[(int) WeightTensor.elementCount(tensor.shape())];
                tensor.dtype().readContiguous(bytes, 0, values);
                read.put(
                        tensor.name(),
                        new WeightTensor(tensor.dtype().name(), tensor.shape(), values));
            }
            return read;
        } catch (IOException e) {
            throw new WeightFileException("cannot read safetensors file " + file + ": " + e, e);
        }
    }

    /** The header's {@code __metadata__} (string to string), empty when it has none. */
    static Map<String, String> metadata(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long headerLength = headerLength(file, channel);
            JsonNode header = parseHeader(file, readFully(channel, 8, (int) headerLength));
            JsonNode metadata = header.get(METADATA);
            Map<String, String> found = new LinkedHashMap<>();
            if (metadata != null) {
                requireStringMap(file, metadata);
                metadata.fields()
                        .forEachRemaining(
                                entry -> found.put(entry.getKey(), entry.getValue().asText()));
            }
            return found;
        } catch (IOException e) {
            throw new WeightFileException("cannot read safetensors file " + file + ": " + e, e);
        }
    }

    private static long headerLength(Path file, FileChannel channel) throws IOException {
        long length = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        long available = channel.size() - 8;
        if (length < 0 || length > MAX_HEADER_BYTES) {
            throw new WeightFileException(
                    file
                            + " is not a valid safetensors file: its header length "
                            + Long.toUnsignedString(length)
                            + " exceeds the format's limit of "
                            + MAX_HEADER_BYTES
                            + " bytes; the file is damaged, download or export it again");
        }
        if (length > available) {
            throw new WeightFileException(
                    file
                            + " is truncated: its safetensors header claims "
                            + length
                            + " bytes but only "
                            + available
                            + " follow the length field; download or export the file again");
        }
        return length;
    }

    private static JsonNode parseHeader(Path file, ByteBuffer bytes) {
        String text = StandardCharsets.UTF_8.decode(bytes).toString();
        try {
            JsonNode header = JSON.readTree(text);
            if (header == null || !header.isObject()) {
                throw new WeightFileException(
                        file
                                + " is not a valid safetensors file: its header is not a JSON"
                                + " object; the file is damaged, download or export it again");
            }
            return header;
        } catch (JsonProcessingException e) {
            throw new WeightFileException(
                    file
                            + " is not a valid safetensors file: its header is not valid JSON ("
                            + e.getOriginalMessage()
                            + "); the file is damaged, download or export it again",
                    e);
        }
    }

    private static List<Located> locate(Path file, JsonNode header, long dataBytes) {
        List<Located> located = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA)) {
                requireStringMap(file, field.getValue());
            } else {
                located.add(locate(file, field.getKey(), field.getValue(), dataBytes));
            }
        }
        return located;
    }

    private static Located locate(Path file, String name, JsonNode node, long dataBytes) {
        Entry entry;
        try {
            entry = JSON.treeToValue(node, Entry.class);
        } catch (JsonProcessingException e) {
            throw malformed(file, name, e.getOriginalMessage());
        }
        if (entry == null
                || entry.dtype() == null
                || entry.shape() == null
                || entry.dataOffsets() == null) {
            throw malformed(file, name, "it needs dtype, shape and data_offsets");
        }
        Dtype dtype =
                Dtype.named(entry.dtype())
                        .orElseThrow(
                                () ->
                                        new WeightFileException(
                                                file
                                                        + " stores tensor "
                                                        + name
                                                        + " as "
                                                        + entry.dtype()
                                                        + ", which the trainer cannot import (it"
                                                        + " reads "
                                                        + Dtype.supported()
                                                        + "); convert that tensor to float32"
                                                        + " before saving"));
        long elements = elementCount(file, name, entry.shape());
        long[] offsets = entry.dataOffsets();
        if (offsets.length != 2 || offsets[0] < 0 || offsets[1] < offsets[0]) {
            throw malformed(
                    file,
                    name,
                    "data_offsets " + Arrays.toString(offsets) + " is not [begin, end)");
        }
        if (offsets[1] > dataBytes) {
            throw new WeightFileException(
                    file
                            + " is truncated: tensor "
                            + name
                            + " needs bytes "
                            + offsets[0]
                            + " to "
                            + offsets[1]
                            + " of the data section, which holds only "
                            + dataBytes
                            + " bytes; download or export the file again");
        }
        if (offsets[1] - offsets[0] != elements * dtype.bytes) {
            throw malformed(
                    file,
                    name,
                    "shape "
                            + Arrays.toString(entry.shape())
                            + " of "
                            + dtype
                            + " needs "
                            + elements * dtype.bytes
                            + " bytes but data_offsets "
                            + Arrays.toString(offsets)
                            + " span "
                            + (offsets[1] - offsets[0]));
        }
        return new Located(name, dtype, entry.shape(), offsets[0], offsets[1]);
    }

    private static long elementCount(Path file, String name, long[] shape) {
        for (long dimension : shape) {
            if (dimension < 0) {
                throw malformed(file, name, "shape " + Arrays.toString(shape) + " is negative");
            }
        }
        try {
            long elements = WeightTensor.elementCount(shape);
            if (elements <= Integer.MAX_VALUE - 8) {
                return elements;
            }
        } catch (ArithmeticException e) {
            // falls through: too large either way
        }
        throw new WeightFileException(
                file
                        + " has tensor "
                        + name
                        + " of shape "
                        + Arrays.toString(shape)
                        + ", more than the 2^31 elements a Java array holds; split it before"
                        + " importing");
    }

    private static void requireStringMap(Path file, JsonNode metadata) {
        boolean strings = metadata.isObject();
        for (JsonNode value : metadata) {
            strings &= value.isTextual();
        }
        if (!strings) {
            throw malformed(file, METADATA, "it must map strings to strings");
        }
    }

    private static WeightFileException malformed(Path file, String name, String why) {
        return new WeightFileException(
                file
                        + " is not a valid safetensors file: header entry "
                        + name
                        + " is malformed ("
                        + why
                        + "); the file is damaged or was written by a faulty exporter,"
                        + " export it again with safetensors.torch.save_file");
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("file ends at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }
}
