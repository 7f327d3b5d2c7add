package io.pillsnap.inference.http;

import io.javalin.http.Context;
import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.RequestRejectedException;
import io.pillsnap.inference.predict.ImageUpload;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.server.Request;

/**
 * Takes the photos out of a request: a multipart field, or the raw body with an image content type.
 * Sizes are checked before bytes are read; whether the bytes are an image is left to the decoder,
 * which judges by content.
 */
final class ImageUploads {

    private final long maxUploadBytes;
    private final MultipartConfigElement multipart;

    ImageUploads(long maxUploadBytes, long maxBatchBytes, Path spoolDirectory) {
        this.maxUploadBytes = maxUploadBytes;
        this.multipart =
                new MultipartConfigElement(
                        spoolDirectory.toString(), maxUploadBytes, maxBatchBytes, 1024 * 1024);
    }

    /** The one photo of a request: multipart field {@code field}, or the whole body. */
    ImageUpload single(Context ctx, String field) {
        if (ctx.req().getContentLengthLong() == 0) {
            throw emptyBody(field);
        }
        if (isMultipart(ctx)) {
            List<Part> parts = parts(ctx, field);
            if (parts.size() > 1) {
                throw new RequestRejectedException(
                        ErrorCode.INVALID_PARAMETER,
                        parts.size()
                                + " parts are named '"
                                + field
                                + "': send one photo here, or several to the batch endpoint");
            }
            return read(parts.get(0), field);
        }
        String type = mediaType(ctx);
        if (type != null
                && !type.startsWith("image/")
                && !type.equals("application/octet-stream")) {
            throw new RequestRejectedException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type "
                            + type
                            + " is not accepted: send multipart/form-data with the photo in field '"
                            + field
                            + "', or the photo itself with Content-Type image/jpeg or image/png");
        }
        byte[] bytes = readBody(ctx);
        if (bytes.length == 0) {
            throw emptyBody(field);
        }
        return new ImageUpload("the request body", null, bytes);
    }

    /** The photos of a batch: every multipart part named {@code field}, at most {@code max}. */
    List<ImageUpload> many(Context ctx, String field, int max) {
        if (ctx.req().getContentLengthLong() == 0) {
            throw emptyBody(field);
        }
        if (!isMultipart(ctx)) {
            throw new RequestRejectedException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "a batch is multipart/form-data with one '"
                            + field
                            + "' part per photo, not "
                            + mediaType(ctx));
        }
        List<Part> parts = parts(ctx, field);
        if (parts.size() > max) {
            throw new RequestRejectedException(
                    ErrorCode.TOO_MANY_IMAGES,
                    parts.size() + " images in one batch; at most " + max + " are allowed");
        }
        List<ImageUpload> uploads = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            uploads.add(read(parts.get(i), field + "[" + i + "]"));
        }
        return uploads;
    }

    private List<Part> parts(Context ctx, String field) {
        Collection<Part> all;
        ctx.req().setAttribute(Request.__MULTIPART_CONFIG_ELEMENT, multipart);
        try {
            all = ctx.req().getParts();
        } catch (IllegalStateException e) {
            throw new RequestRejectedException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the upload is too large ("
                            + e.getMessage()
                            + "): at most "
                            + maxUploadBytes
                            + " bytes per photo");
        } catch (IOException | ServletException | RuntimeException e) {
            throw new RequestRejectedException(
                    ErrorCode.MALFORMED_REQUEST,
                    "cannot read the multipart body: " + e.getMessage());
        }
        List<Part> named = all.stream().filter(p -> field.equals(p.getName())).toList();
        if (named.isEmpty()) {
            Set<String> names = new TreeSet<>();
            all.forEach(p -> names.add(p.getName()));
            throw new RequestRejectedException(
                    ErrorCode.MISSING_FIELD,
                    "no multipart field '"
                            + field
                            + "'"
                            + (names.isEmpty() ? "" : " (the request has " + names + ")")
                            + ": send the photo as field '"
                            + field
                            + "'");
        }
        return named;
    }

    private ImageUpload read(Part part, String label) {
        String filename = part.getSubmittedFileName();
        String name = filename == null ? label : label + " (" + filename + ")";
        if (part.getSize() > maxUploadBytes) {
            throw tooLarge(name, part.getSize());
        }
        try (InputStream in = part.getInputStream()) {
            byte[] bytes = in.readAllBytes();
            return new ImageUpload(name, filename, bytes);
        } catch (IOException e) {
            throw new RequestRejectedException(
                    ErrorCode.MALFORMED_REQUEST, "cannot read " + name + ": " + e.getMessage());
        } finally {
            try {
                part.delete();
            } catch (IOException e) {
                // Jetty removes spooled parts at the end of the request anyway
            }
        }
    }

    /** Reads at most one byte over the limit, so an oversize body is never held in memory. */
    private byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxUploadBytes) {
            throw tooLarge("the request body", declared);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxUploadBytes + 1));
            if (bytes.length > maxUploadBytes) {
                throw tooLarge("the request body", -1);
            }
            return bytes;
        } catch (IOException e) {
            throw new RequestRejectedException(
                    ErrorCode.MALFORMED_REQUEST, "cannot read the request body: " + e.getMessage());
        }
    }

    private RequestRejectedException tooLarge(String what, long size) {
        return new RequestRejectedException(
                ErrorCode.PAYLOAD_TOO_LARGE,
                what
                        + (size >= 0 ? " is " + size + " bytes" : " is too large")
                        + ", over the limit of "
                        + maxUploadBytes
                        + " bytes per photo: send a smaller JPEG");
    }

    private static RequestRejectedException emptyBody(String field) {
        return new RequestRejectedException(
                ErrorCode.EMPTY_BODY,
                "the request has no body: send the photo as multipart field '"
                        + field
                        + "', or as the body with Content-Type image/jpeg or image/png");
    }

    private static boolean isMultipart(Context ctx) {
        String type = mediaType(ctx);
        return type != null && type.startsWith("multipart/");
    }

    /** The content type without parameters, lower case, or null. */
    private static String mediaType(Context ctx) {
        String type = ctx.contentType();
        if (type == null || type.isBlank()) {
            return null;
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon))
                .strip()
                .toLowerCase(Locale.ROOT);
    }
}
