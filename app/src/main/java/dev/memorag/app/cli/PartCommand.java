package dev.memorag.app.cli;

import dev.memorag.app.Deployment;
import dev.memorag.app.EmbeddedStack;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * Runs some parts of the stack in the foreground until SIGTERM or Ctrl-C, then closes them in reverse start order
 * (the worker finishes its answers in flight, the services close their Kafka clients) and exits 0.
 */
abstract class PartCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Option(names = "--bootstrap-servers", description = "Kafka to use when this process runs no broker "
            + "(env MEMORAG_BOOTSTRAP_SERVERS)")
    String bootstrapServers;

    /** The parts this command runs. */
    abstract Set<Deployment.Part> parts();

    @Override
    public Integer call() throws Exception {
        String bootstrap = bootstrapServers != null ? bootstrapServers
                : Deployment.bootstrapServersFromEnvironment(System.getenv());
        Deployment deployment = new Deployment(parts(), bootstrap);
        EmbeddedStack stack = EmbeddedStack.start(options.config(), deployment);
        // handled once running, not left to shutdown hooks: the JVM would exit 143 on SIGTERM, and Kubernetes and
        // systemd read 0 as "stopped cleanly" (a signal during start-up still ends the JVM the default way)
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Endpoints.print(stack);
        System.out.println("SIGTERM or Ctrl-C stops it; state is kept in " + stack.config().dataDir().toAbsolutePath());
        return runUntilStopped(stack, stop);
    }

    /**
     * Waits for a signal or for a part to fail for good, then closes the stack. Exit status 0 for a clean stop; 1
     * when a part failed, so that Kubernetes or systemd restart the process instead of leaving a half-dead one.
     */
    static int runUntilStopped(EmbeddedStack stack, CountDownLatch stop) throws InterruptedException {
        stack.health().onFailure(reason -> stop.countDown());
        stop.await();
        String failure = stack.health().failure().getNow(null);
        System.out.println(failure == null ? "\nstopping…" : "\na part stopped for good (" + failure + "): stopping…");
        stack.close();
        System.out.println("stopped");
        return failure == null ? 0 : 1;
    }
}
