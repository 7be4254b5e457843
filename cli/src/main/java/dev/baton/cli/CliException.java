package dev.baton.cli;

/**
 * A failure the CLI reports as one line on standard error ({@code baton: <message>}) with exit code 1: an error
 * answer of an API, an API or broker that cannot be reached. The message is one line and says what to do.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message.replace('\r', ' ').replace('\n', ' '), null, false, false);
    }
}
