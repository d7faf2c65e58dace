package dev.memorag.worker.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;

/**
 * The one place that decides where and in which precision the model computes: FP32 on CPU (FP16 and
 * BF16 are slow or crash through DJL on CPU), BF16 on CUDA.
 */
public record ComputeDevice(Device device, DataType dataType) {

    public static ComputeDevice cpu() {
        return new ComputeDevice(Device.cpu(), DataType.FLOAT32);
    }

    /** CUDA when the engine sees a GPU, otherwise CPU. */
    public static ComputeDevice auto() {
        if (Engine.getEngine("PyTorch").getGpuCount() > 0) return new ComputeDevice(Device.gpu(), DataType.BFLOAT16);
        return cpu();
    }
}
