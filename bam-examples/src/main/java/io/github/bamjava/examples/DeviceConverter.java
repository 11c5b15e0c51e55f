package io.github.bamjava.examples;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.github.bamjava.runtime.TorchEngine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --device cpu|gpu|gpu:N}: a DJL device, refused at once when this machine has no such GPU (rather than
 * failing in the middle of loading a model).
 */
final class DeviceConverter implements ITypeConverter<Device> {

  @Override
  public Device convert(String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    if (v.equals("cpu")) {
      return Device.cpu();
    }
    if (v.matches("gpu(:\\d+)?")) {
      int id = v.equals("gpu") ? 0 : Integer.parseInt(v.substring(4));
      int gpus = TorchEngine.get().getGpuCount();
      if (id >= gpus) {
        throw new TypeConversionException("--device " + value + ": this machine has " + gpus + " GPU(s) that the"
            + " PyTorch engine can use" + (gpus == 0 ? " (CPU natives, or no CUDA; see docs/gpu.md)" : ""));
      }
      return Device.gpu(id);
    }
    throw new TypeConversionException("--device must be cpu, gpu or gpu:N, got '" + value + "'");
  }
}
