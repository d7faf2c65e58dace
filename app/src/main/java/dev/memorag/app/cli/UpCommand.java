package dev.memorag.app.cli;

import dev.memorag.app.EmbeddedStack;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "up", description = "Start the embedded stack (one JVM, 127.0.0.1) and keep it running until Ctrl-C.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Override
    public Integer call() throws Exception {
        EmbeddedStack stack = EmbeddedStack.start(options.config());
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
