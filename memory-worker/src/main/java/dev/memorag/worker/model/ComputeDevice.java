package dev.memorag.worker.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import dev.memorag.settings.DeviceChoice;
import dev.memorag.settings.Dtype;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one place that decides where and in which precision the model runs. {@code precision} is what the model
 * holds: its weights and its memory rows (on disk and in the device cache). On CUDA a BF16 model computes in BF16.
 * On CPU every BF16 tensor aborts the JVM through DJL 0.36 / libtorch 2.7.1 (creating one, or casting to one:
 * Bf16OpsBenchmark probes it), so a BF16 model keeps its weights in 2-byte FP16 tensors there (exact for every BF16
 * weight in [6.1e-5, 65504]; the loader refuses larger ones) and computes in FP32: single rows (decode) through
 * libtorch's FP16 GEMV, which reads the 2-byte weights directly, larger row counts (memorization) on the weight
 * up-cast to FP32 for that matmul (native FP16 GEMM runs at a few GFLOP/s). Its memory rows are held in FP16 there
 * too ({@link #rowType}), half the bytes of FP32: attention up-casts them a block at a time, at about the speed of
 * FP32 rows (a decode step at a 32K-token memory 4-5 % slower in docs/benchmarks.md).
 */
public record ComputeDevice(Device device, Precision precision) {

    /** What the model holds: FP32, or BF16 as the MemoRAG checkpoints ship. */
    public enum Precision {
        FP32,
        BF16;

        /** {@code fp32} or {@code bf16}, any case. */
        public static Precision of(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "fp32" -> FP32;
                case "bf16" -> BF16;
                default -> throw new IllegalArgumentException("dtype '" + name + "': choose from auto, fp32, bf16");
            };
        }

        /** Bytes of one memory-row element on disk. */
        public int rowBytes() {
            return this == BF16 ? 2 : Float.BYTES;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The settings' device ({@code MEMORAG_DEVICE}) and dtype ({@code MEMORAG_DTYPE}; {@code auto}: BF16 on CUDA; on
     * CPU BF16 only when the checkpoint's FP32 weights would take more than half of this machine's memory, because
     * FP32 decodes faster here when it fits).
     */
    public static ComputeDevice select(DeviceChoice choice, Dtype dtype, Path modelDir) {
        Device device = switch (choice) {
            case CUDA -> {
                if (!gpuPresent())
                    throw new IllegalStateException("device cuda was asked for, but PyTorch sees no GPU here");
                yield Device.gpu();
            }
            case AUTO -> gpuPresent() ? Device.gpu() : Device.cpu();
            case CPU -> Device.cpu();
        };
        if (dtype != Dtype.AUTO) return new ComputeDevice(device, Precision.valueOf(dtype.name()));
        if (device.isGpu()) return new ComputeDevice(device, Precision.BF16);
        long fp32Bytes;
        try (Checkpoint checkpoint = Checkpoint.open(modelDir)) {
            fp32Bytes = checkpoint.config().parameterCount() * Float.BYTES;
        }
        long machine = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return cpu(fp32Bytes > machine / 2 ? Precision.BF16 : Precision.FP32);
    }

    public static ComputeDevice cpu() {
        return cpu(Precision.FP32);
    }

    public static ComputeDevice cpu(Precision precision) {
        return new ComputeDevice(Device.cpu(), precision);
    }

    private static boolean gpuPresent() {
        return Engine.getEngine("PyTorch").getGpuCount() > 0;
    }

    /** The dtype activations and matmuls run in. */
    public DataType dataType() {
        return precision == Precision.BF16 && device.isGpu() ? DataType.BFLOAT16 : DataType.FLOAT32;
    }

    /** The dtype large weight matrices are stored in on the device. */
    public DataType weightType() {
        if (precision == Precision.FP32) return DataType.FLOAT32;
        return device.isGpu() ? DataType.BFLOAT16 : DataType.FLOAT16;
    }

    /**
     * The dtype a memory's kept rows are held in on the device: the model's precision, except that BF16 is held as FP16
     * on CPU (every value rounded to BF16 and within ±65280 is exact in both, see {@link TensorDType#bf16ForFp16}).
     */
    public DataType rowType() {
        return weightType();
    }

    /** For the start log: what runs. */
    public String describe() {
        if (precision == Precision.FP32) return device + ", FP32 weights and memory rows, FP32 compute";
        if (device.isGpu()) return device + ", BF16 weights and memory rows, BF16 compute (softmax and norms in FP32)";
        return device
                + ", BF16 weights and memory rows (held as 2-byte FP16: no BF16 tensors through DJL on CPU); "
                + "FP32 compute: decode rows through the FP16 GEMV, larger batches on weights up-cast per matmul";
    }
}
