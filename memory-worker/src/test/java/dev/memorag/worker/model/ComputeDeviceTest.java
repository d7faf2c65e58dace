package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.memorag.settings.DeviceChoice;
import dev.memorag.settings.Dtype;
import dev.memorag.settings.SettingException;
import dev.memorag.settings.Settings;
import dev.memorag.worker.model.ComputeDevice.Precision;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MEMORAG_DTYPE: what each choice runs on this CPU, and what is refused. */
class ComputeDeviceTest {
    @TempDir
    Path tmp;

    @Test
    void dtypeChoicesOnCpu() {
        Path dir = TinyModels.write(tmp.resolve("tiny"), TinyCheckpointWriter.Spec.tiny("qwen2", 32, 4));
        // A model whose FP32 weights fit easily: auto keeps FP32, which decodes faster on CPU.
        ComputeDevice auto = ComputeDevice.select(DeviceChoice.CPU, Dtype.AUTO, dir);
        assertEquals(Precision.FP32, auto.precision());
        assertEquals(DataType.FLOAT32, auto.weightType());

        ComputeDevice bf16 = ComputeDevice.select(DeviceChoice.CPU, Dtype.BF16, dir);
        assertEquals(Precision.BF16, bf16.precision());
        assertEquals(DataType.FLOAT16, bf16.weightType(), "no BF16 tensor can exist through DJL on CPU");
        assertEquals(DataType.FLOAT32, bf16.dataType());
        assertTrue(bf16.describe().contains("BF16 weights"), bf16.describe());

        assertEquals(
                Precision.FP32,
                ComputeDevice.select(DeviceChoice.CPU, Dtype.FP32, dir).precision());
        SettingException setting =
                assertThrows(SettingException.class, () -> Settings.fromEnvironment(Map.of("MEMORAG_DTYPE", "int8")));
        assertTrue(setting.getMessage().contains("MEMORAG_DTYPE (--dtype): 'int8'"), setting.getMessage());
        assertTrue(setting.getMessage().contains("choose from auto, fp32, bf16"), setting.getMessage());
    }
}
