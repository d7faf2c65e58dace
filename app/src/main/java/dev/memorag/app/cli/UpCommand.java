package dev.memorag.app.cli;

import dev.memorag.app.Deployment;
import dev.memorag.app.EmbeddedStack;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "up", description = "Start the embedded stack (one JVM, 127.0.0.1) and keep it running until Ctrl-C.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Option(names = "--parts", description = "parts to run in this process: broker,ingest,worker,query "
            + "(env MEMORAG_PARTS, default all)")
    String parts;

    @Option(names = "--bootstrap-servers", description = "Kafka to use when this process runs no broker "
            + "(env MEMORAG_BOOTSTRAP_SERVERS)")
    String bootstrapServers;

    @Override
    public Integer call() throws Exception {
        Deployment env = Deployment.fromEnvironment(System.getenv());
        Deployment deployment = new Deployment(parts != null ? Deployment.parse(parts) : env.parts(),
                bootstrapServers != null ? bootstrapServers : env.bootstrapServers());
        EmbeddedStack stack = EmbeddedStack.start(options.config(), deployment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping…");
            stack.close();
            stopped.countDown();
        }, "memorag-shutdown"));
        Endpoints.print(stack);
        System.out.println("Ctrl-C stops it; state is kept in " + stack.config().dataDir().toAbsolutePath());
        stopped.await();
        return 0;
    }
}
