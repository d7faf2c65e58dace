package dev.memorag.app.cli;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import dev.memorag.settings.Part;
import dev.memorag.settings.Setting;
import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;
import dev.memorag.settings.SettingsTable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * Runs some parts of the stack in the foreground until SIGTERM or Ctrl-C, then closes them in reverse start order
 * (the worker finishes its answers in flight, the services close their Kafka clients) and exits 0. Every setting of
 * the stack is an option.
 */
abstract class PartCommand extends ConfiguredCommand {

    /** The parts this command runs; null where {@code MEMORAG_PARTS} says ({@code up}). */
    abstract Set<Part> parts();

    @Override
    List<Setting<?>> options() {
        return stackSettings(parts() == null);
    }

    /** The settings of a stack process, {@code MEMORAG_PARTS} included where the command does not fix the parts. */
    static List<Setting<?>> stackSettings(boolean withParts) {
        return SettingsCatalogue.of(Setting.Scope.STACK).stream()
                .filter(s -> withParts || s != SettingsCatalogue.PARTS)
                .toList();
    }

    /** {@code --help} also names the settings read elsewhere, so that it lists every one. */
    @Override
    void addOptions(CommandSpec spec) {
        super.addOptions(spec);
        List<Setting<?>> options = options();
        String others = SettingsCatalogue.all().stream()
                .filter(s -> !options.contains(s))
                .map(s -> s.env() + ": " + SettingsTable.plain(s.doc()))
                .collect(Collectors.joining("%n  ", "%nRead elsewhere:%n  ", "%n"));
        spec.usageMessage().footer(others + "%nAll settings with their defaults: bin/memorag settings%n");
    }

    /** The stack this command starts: its settings, with its own parts. */
    StackConfig config(Settings settings) {
        return new StackConfig(parts() == null ? settings : settings.with(SettingsCatalogue.PARTS, parts()));
    }

    @Override
    public Integer call() throws Exception {
        EmbeddedStack stack = EmbeddedStack.start(config(settings()));
        // handled once running, not left to shutdown hooks: the JVM would exit 143 on SIGTERM, and Kubernetes and
        // systemd read 0 as "stopped cleanly" (a signal during start-up still ends the JVM the default way)
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Endpoints.print(stack);
        System.out.println("SIGTERM or Ctrl-C stops it; state is kept in "
                + stack.config().dataDir().toAbsolutePath());
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
