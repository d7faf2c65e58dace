package dev.memorag.ingest.gateway;

import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;
import org.xml.sax.SAXException;

/**
 * Turns an uploaded file (PDF, DOCX, HTML, Markdown, plain text, and the rest of Tika's standard formats) into plain
 * text. Blocking and CPU-heavy: call it off the event loop.
 */
public final class TextExtractor {
    private final AutoDetectParser parser = new AutoDetectParser();
    private final int maxChars;

    public TextExtractor(int maxChars) {
        this.maxChars = maxChars;
    }

    public String extract(byte[] bytes, String contentType, String fileName) {
        Metadata metadata = new Metadata();
        if (fileName != null) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
        }
        if (contentType != null && !contentType.startsWith("application/octet-stream")) {
            metadata.set(Metadata.CONTENT_TYPE, contentType);
        }
        BodyContentHandler text = new BodyContentHandler(maxChars + 1);
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            parser.parse(in, text, metadata, new ParseContext());
        } catch (TikaException | SAXException | IOException e) {
            if (WriteLimitReachedException.isWriteLimitReached(e)) {
                throw new InvalidRecordException(
                        ErrorCode.TOO_LARGE, "the extracted text is over the limit of " + maxChars + " characters");
            }
            throw new InvalidRecordException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "cannot extract text from "
                            + (fileName == null ? "the upload" : "'" + fileName + "'") + " ("
                            + metadata.get(Metadata.CONTENT_TYPE) + "): " + e.getMessage());
        }
        String result = text.toString().strip();
        if (result.isEmpty()) {
            throw new InvalidRecordException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "no text found in "
                            + (fileName == null ? "the upload" : "'" + fileName + "'") + " ("
                            + metadata.get(Metadata.CONTENT_TYPE) + ")");
        }
        return result;
    }
}
