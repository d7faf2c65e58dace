package dev.memorag.worker.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The beacon configuration this implementation supports: interleaved beacons, full-coverage
 * attention, beacon q/k/v projections, no sink tokens, window == stride, one compression ratio that
 * divides the window. Anything else is refused with the offending setting named, because silently
 * running another configuration would produce a memory the checkpoint was not trained for.
 */
public record BeaconSettings(int window, int ratio) {

    public BeaconSettings {
        if (window <= 0 || ratio <= 0 || window % ratio != 0) {
            throw new ModelLoadException("unsupported beacon settings: beacon_window " + window
                    + " must be a positive multiple of beacon_ratio " + ratio);
        }
    }

    /** Beacon slots in a full window. */
    public int beaconsPerWindow() {
        return window / ratio;
    }

    static BeaconSettings fromConfig(JsonObject o, Path file) {
        String pos = optString(o, "beacon_pos", "interleave");
        if (!pos.equals("interleave")) refuse(file, "beacon_pos '" + pos + "' (supported: interleave)");
        String attn = optString(o, "beacon_attn", "full-coverage");
        if (!attn.equals("full-coverage")) refuse(file, "beacon_attn '" + attn + "' (supported: full-coverage)");
        int sink = o.has("beacon_sink_size") && !o.get("beacon_sink_size").isJsonNull()
                ? o.get("beacon_sink_size").getAsInt()
                : 0;
        if (sink != 0) refuse(file, "beacon_sink_size " + sink + " (supported: 0)");
        List<String> param = strings(o.get("beacon_param"));
        if (!param.isEmpty() && !(param.size() == 3 && param.containsAll(List.of("q", "k", "v")))) {
            refuse(file, "beacon_param " + param + " (supported: [q, k, v])");
        }
        int window = o.has("beacon_window") ? o.get("beacon_window").getAsInt() : 2048;
        int stride = o.has("beacon_stride") ? o.get("beacon_stride").getAsInt() : window;
        if (stride != window) refuse(file, "beacon_stride " + stride + " != beacon_window " + window);
        List<String> ratios = strings(o.get("beacon_ratio"));
        // Training configs list several ratios; inference uses one. MemoRAG's default is 4.
        int ratio = ratios.contains("4") || ratios.isEmpty() ? 4 : Integer.parseInt(ratios.get(0));
        try {
            return new BeaconSettings(window, ratio);
        } catch (ModelLoadException e) {
            throw new ModelLoadException(e.getMessage() + " in " + file);
        }
    }

    private static void refuse(Path file, String what) {
        throw new ModelLoadException("unsupported beacon settings in " + file + ": " + what);
    }

    private static String optString(JsonObject o, String key, String dflt) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : dflt;
    }

    private static List<String> strings(JsonElement e) {
        List<String> out = new ArrayList<>();
        if (e == null || e.isJsonNull()) return out;
        if (e.isJsonArray()) {
            for (JsonElement x : (JsonArray) e) out.add(x.getAsString());
        } else {
            out.add(e.getAsString());
        }
        return out;
    }
}
