package dev.baton.cli;

import dev.baton.cli.http.JdkApiClient;
import dev.baton.cli.kafka.KafkaEventSource;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the {@code baton} command ({@code java -jar baton.jar ...}). Exit codes: 0 done, 1 an API or
 * broker error (reported as one {@code baton: ...} line on standard error), 2 a usage error.
 */
public final class BatonCli {
    /** Exit code of an API, broker or other runtime error. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a usage error (picocli's {@code ExitCode.USAGE}). */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    private BatonCli() {
    }

    public static void main(String[] args) {
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
        CountDownLatch finished = new CountDownLatch(1);
        CliContext context = new CliContext(new JdkApiClient(), KafkaEventSource.factory(err),
                System.getenv(), Clock.systemUTC(), action -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    // Ctrl-C: stop what runs, then give it a moment to close its connections before the JVM exits.
                    action.run();
                    try {
                        finished.await(2, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "baton-interrupt")));
        int exit = commandLine(context, out, err).execute(args);
        out.flush();
        err.flush();
        finished.countDown();
        System.exit(exit);
    }

    /** The configured command line; tests execute it in process with their own context and writers. */
    public static CommandLine commandLine(CliContext context, PrintWriter out, PrintWriter err) {
        BatonCommand root = new BatonCommand(context);
        CommandLine commandLine = new CommandLine(root);
        commandLine.setExecutionStrategy(parsed -> {
            List<CommandLine> chain = parsed.asCommandLineList();
            root.running(chain.get(chain.size() - 1));
            return new CommandLine.RunLast().execute(parsed);
        });
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(usageErrors());
        commandLine.setExecutionExceptionHandler(failures());
        return commandLine;
    }

    /** A usage error: the problem, the command's synopsis and where to read more; exit 2. */
    private static IParameterExceptionHandler usageErrors() {
        return (ParameterException e, String[] args) -> {
            CommandLine command = e.getCommandLine();
            PrintWriter err = command.getErr();
            String message = e.getMessage() == null ? "usage error" : e.getMessage();
            // Argument-group messages start with picocli's own "Error: "; the line has its prefix already.
            err.println("baton: " + (message.startsWith("Error: ") ? message.substring(7) : message));
            UnmatchedArgumentException.printSuggestions(e, err);
            err.print(command.getHelp().synopsisHeading() + command.getHelp().synopsis(
                    command.getHelp().synopsisHeadingLength()));
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return command.getCommandSpec().exitCodeOnInvalidInput();
        };
    }

    /** A failure while running a command: one line on standard error, exit 1. */
    private static IExecutionExceptionHandler failures() {
        return (Exception e, CommandLine command, CommandLine.ParseResult parsed) -> {
            if (e instanceof ParameterException usage) {
                // Thrown by a command that found a usage problem only when it ran (a bad BATON_* value, say).
                return usageErrors().handleParseException(usage, parsed.originalArgs().toArray(String[]::new));
            }
            PrintWriter err = command.getErr();
            err.println("baton: " + (e instanceof CliException ? e.getMessage() : describe(e)));
            err.flush();
            return EXIT_FAILURE;
        };
    }

    /** An unexpected exception, in one line: its type and message, and those of its causes. */
    static String describe(Throwable e) {
        StringBuilder line = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            line.append(line.length() == 0 ? "" : ": caused by ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                line.append(": ").append(t.getMessage());
            }
        }
        return line.toString().replace('\n', ' ').replace('\r', ' ');
    }

    /** The version printed by {@code baton --version}: the jar's implementation version when it has one. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = BatonCli.class.getPackage().getImplementationVersion();
            return List.of("baton " + (version == null ? "(development build)" : version)).toArray(String[]::new);
        }
    }
}
