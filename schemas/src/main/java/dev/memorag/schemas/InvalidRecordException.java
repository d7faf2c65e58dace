package dev.memorag.schemas;

/** A record rejected at a boundary; the message names the offending field. */
public final class InvalidRecordException extends RuntimeException {
    private final ErrorCode code;

    public InvalidRecordException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public ErrorInfo toErrorInfo() {
        return ErrorInfo.of(code, getMessage());
    }
}
