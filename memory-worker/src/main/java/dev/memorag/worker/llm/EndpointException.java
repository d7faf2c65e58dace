package dev.memorag.worker.llm;

/** An OpenAI-compatible endpoint refused a request, or stayed unreachable, slow or overloaded past the retries. */
public final class EndpointException extends IllegalStateException {
    public EndpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
