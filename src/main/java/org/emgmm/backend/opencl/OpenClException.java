package org.emgmm.backend.opencl;

/**
 * An OpenCL failure, naming the call that failed and its error code (or, for a failed program build, carrying the
 * build log). Under {@code --backend auto} it makes the fit fall back to the CPU backend with one warning line;
 * under an explicit {@code opencl} it is the error the user sees.
 */
public class OpenClException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The OpenCL error code, or 0 when the failure has none (no device matches, say). */
    private final int code;

    /**
     * @param message what failed, in words
     * @param code the OpenCL error code, 0 if none
     */
    public OpenClException(String message, int code) {
        super(message);
        this.code = code;
    }

    /**
     * @param message what failed, in words
     * @param cause the underlying error
     */
    public OpenClException(String message, Throwable cause) {
        super(message, cause);
        this.code = 0;
    }

    /** @return the OpenCL error code (negative), or 0 when there is none */
    public int code() {
        return code;
    }
}
