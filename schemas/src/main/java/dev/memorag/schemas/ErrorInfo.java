package dev.memorag.schemas;

/** A machine-readable code and a human-readable message, as carried by answers, events and HTTP errors. */
public record ErrorInfo(String code, String message) {

    public static ErrorInfo of(ErrorCode code, String message) {
        return new ErrorInfo(code.name(), message);
    }
}
