package dev.memorag.settings;

import java.util.List;
import java.util.stream.Collectors;

/** The catalogue written out: README's settings table, and an environment file of the defaults. */
public final class SettingsTable {
    private SettingsTable() {}

    /** README's settings table, one row per setting. */
    public static String markdown(List<Setting<?>> settings) {
        StringBuilder table = new StringBuilder("| env | CLI | default | meaning |\n|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            String flag = s.scope() == Setting.Scope.LAUNCHER ? "" : "`" + s.flag() + "`";
            table.append('|');
            for (String cell : List.of("`" + s.env() + "`", flag, s.defaultText(), s.doc())) {
                table.append(cell.isEmpty() ? " |" : " " + cell + " |");
            }
            table.append('\n');
        }
        return table.toString();
    }

    /** {@code VARIABLE=default} lines, each under its doc line; unset and derived defaults commented out. */
    public static String environmentFile(List<Setting<?>> settings) {
        return settings.stream().map(SettingsTable::environmentLines).collect(Collectors.joining("\n"));
    }

    private static <T> String environmentLines(Setting<T> s) {
        T value = s.fixedDefault();
        String assignment = value != null
                ? s.env() + "=" + s.print(value)
                : "# " + s.env() + "=  (default: " + plain(s.defaultText()) + ")";
        return "# " + plain(s.doc()) + "\n" + assignment + "\n";
    }

    /** A doc line without its Markdown, for a terminal. */
    public static String plain(String markdown) {
        return markdown.replace("`", "");
    }
}
